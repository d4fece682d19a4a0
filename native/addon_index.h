// Node-API bindings of the index reductions, logsumexp and sort (addon_index.cc).
#pragma once

#include <napi.h>

namespace tts {

// Adds selectAlong, logsumexpAlong and sortAlong to the addon's exports.
void register_index_ops(Napi::Env env, Napi::Object exports);

}  // namespace tts
