// Registers the mask kernels' bindings (masks_addon.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_mask_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
