// Registers the typed elementwise kernels' bindings (typed_binary_addon.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_typed_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
