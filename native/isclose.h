// Registers isclose's binding (isclose.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_isclose_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
