// Registers the activation kernels' binding (activation_addon.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_activation_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
