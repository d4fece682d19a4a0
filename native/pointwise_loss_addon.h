// Registers the pointwise losses' bindings (pointwise_loss.cc) on the addon's exports.
#pragma once

#include <napi.h>

namespace tts {
void register_pointwise_loss_functions(Napi::Env env, Napi::Object exports);
}  // namespace tts
