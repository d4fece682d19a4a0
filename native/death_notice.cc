// Death notices: a token is a one-byte SharedArrayBuffer whose backing store's deleter records the
// token's id. V8 frees a dead buffer in the collection that finds it dead, young-generation ones
// included (with --no-concurrent-array-buffer-sweeping, inside that collection), while
// FinalizationRegistry callbacks and WeakRefs wait for a full collection. The webgpu buffer pool
// gives each pooled buffer's handle a token and, at points between ops, asks for a young
// collection and takes back the buffers whose handles died: a training step's dead activations
// return every step, in the same order, so the next step reuses the same buffers (and bind groups).
#include "death_notice.h"

#include <v8.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace tts {
namespace {

std::mutex notices_mutex;
std::vector<double> notices;  // ids of tokens freed since the last take

// deathToken(id): a token reporting `id` (a safe integer) when V8 frees it.
Napi::Value DeathToken(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double id = info[0].As<Napi::Number>().DoubleValue();
  // Node-API cannot set a backing store's deleter, so this uses V8's API as AllocTensorMemory does.
  auto* byte = new uint8_t[1]{0};
  auto* boxed = new double(id);
  std::unique_ptr<v8::BackingStore> store = v8::SharedArrayBuffer::NewBackingStore(
      byte, 1,
      [](void* data, size_t, void* deleter_data) {
        auto* boxed_id = static_cast<double*>(deleter_data);
        {
          std::lock_guard<std::mutex> lock(notices_mutex);
          notices.push_back(*boxed_id);
        }
        delete boxed_id;
        delete[] static_cast<uint8_t*>(data);
      },
      boxed);
  v8::Local<v8::SharedArrayBuffer> token = v8::SharedArrayBuffer::New(v8::Isolate::GetCurrent(), std::move(store));
  return Napi::Value(env, reinterpret_cast<napi_value>(*token));
}

// takeDeathNotices(): a Float64Array of the ids of tokens freed since the last call.
Napi::Value TakeDeathNotices(const Napi::CallbackInfo& info) {
  std::vector<double> taken;
  {
    std::lock_guard<std::mutex> lock(notices_mutex);
    taken.swap(notices);
  }
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), taken.size());
  for (size_t i = 0; i < taken.size(); ++i) out[i] = taken[i];
  return out;
}

}  // namespace

void register_death_notices(Napi::Env env, Napi::Object exports) {
  exports.Set("deathToken", Napi::Function::New(env, DeathToken, "deathToken"));
  exports.Set("takeDeathNotices", Napi::Function::New(env, TakeDeathNotices, "takeDeathNotices"));
}

}  // namespace tts
