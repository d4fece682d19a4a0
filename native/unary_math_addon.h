// Registers the bindings of unary_math.h (unary_math_addon.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_unary_math_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
