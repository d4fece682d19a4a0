// Death notices: tokens whose collection by V8 is reported to JS (see death_notice.cc).
#pragma once
#include <napi.h>

namespace tts {
void register_death_notices(Napi::Env env, Napi::Object exports);
}  // namespace tts
