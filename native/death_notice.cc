// Death notices: a token is a one-byte SharedArrayBuffer whose backing store's deleter records the
// token's id. V8 frees a dead buffer in the collection that finds it dead, young-generation ones
// included (with --no-concurrent-array-buffer-sweeping, inside that collection), while
// FinalizationRegistry callbacks and WeakRefs wait for a full collection. The webgpu buffer pool
// gives each pooled buffer's handle a token and, at points between ops, asks for a young
// collection and takes back the buffers whose handles died: a training step's dead activations
// return every step, in the same order, so the next step reuses the same buffers (and bind groups).
#include "death_notice.h"

#include <v8.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tts {
namespace {

// Ids of tokens freed since the last take, per isolate: worker threads number their tokens on
// their own, and a deleter may run on a sweeper thread.
std::mutex notices_mutex;
std::unordered_map<const v8::Isolate*, std::vector<double>> notices;

// Ids are handed out in blocks from one process-wide counter (reserveDeathIds), so that ids of a
// terminated worker's tokens, freed later, match nothing in an isolate that reuses its address.
std::atomic<uint64_t> next_id{1};

struct TokenData {
  const v8::Isolate* isolate;
  double id;
};

// deathToken(id): a token reporting `id` (a safe integer) when V8 frees it.
Napi::Value DeathToken(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double id = info[0].As<Napi::Number>().DoubleValue();
  // Node-API cannot set a backing store's deleter, so this uses V8's API as AllocTensorMemory does.
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  auto* byte = new uint8_t[1]{0};
  auto* data = new TokenData{isolate, id};
  std::unique_ptr<v8::BackingStore> store = v8::SharedArrayBuffer::NewBackingStore(
      byte, 1,
      [](void* bytes, size_t, void* deleter_data) {
        auto* token = static_cast<TokenData*>(deleter_data);
        {
          std::lock_guard<std::mutex> lock(notices_mutex);
          notices[token->isolate].push_back(token->id);
        }
        delete token;
        delete[] static_cast<uint8_t*>(bytes);
      },
      data);
  v8::Local<v8::SharedArrayBuffer> token = v8::SharedArrayBuffer::New(isolate, std::move(store));
  return Napi::Value(env, reinterpret_cast<napi_value>(*token));
}

// takeDeathNotices(): a Float64Array of the ids of this isolate's tokens freed since the last call.
Napi::Value TakeDeathNotices(const Napi::CallbackInfo& info) {
  std::vector<double> taken;
  {
    std::lock_guard<std::mutex> lock(notices_mutex);
    auto it = notices.find(v8::Isolate::GetCurrent());
    if (it != notices.end()) {
      taken.swap(it->second);
      notices.erase(it);
    }
  }
  Napi::Float64Array out = Napi::Float64Array::New(info.Env(), taken.size());
  for (size_t i = 0; i < taken.size(); ++i) out[i] = taken[i];
  return out;
}

// reserveDeathIds(count): the first of `count` ids that no other call returns (a safe integer).
Napi::Value ReserveDeathIds(const Napi::CallbackInfo& info) {
  const double count = info[0].As<Napi::Number>().DoubleValue();
  const uint64_t n = count >= 1 && count <= 1e9 ? static_cast<uint64_t>(count) : 1;
  return Napi::Number::New(info.Env(), static_cast<double>(next_id.fetch_add(n)));
}

// Full collections (mark-compact) of each isolate since its first fullCollections() call. V8 runs
// its own when old space grows; those move every live young object to old space, where a young
// collection no longer sees it die: the pool follows such a collection with one of its own at the
// next zeroGrad, once the step's tensors that were alive during it are dead (src/backends/webgpu/pool.ts).
std::mutex full_counts_mutex;
std::unordered_map<const v8::Isolate*, double*> full_counts;

void CountFullCollection(v8::Isolate*, v8::GCType, v8::GCCallbackFlags, void* data) {
  ++*static_cast<double*>(data);
}

// fullCollections(): how many full collections this isolate ran since the first call.
Napi::Value FullCollections(const Napi::CallbackInfo& info) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  double* count;
  {
    std::lock_guard<std::mutex> lock(full_counts_mutex);
    auto it = full_counts.find(isolate);
    if (it == full_counts.end()) {
      count = new double(0);
      full_counts.emplace(isolate, count);
      isolate->AddGCEpilogueCallback(CountFullCollection, count, v8::kGCTypeMarkSweepCompact);
      // A worker's isolate goes away with its environment; a later one may reuse its address.
      napi_add_env_cleanup_hook(
          info.Env(),
          [](void* arg) {
            auto* iso = static_cast<v8::Isolate*>(arg);
            std::lock_guard<std::mutex> lock(full_counts_mutex);
            auto found = full_counts.find(iso);
            if (found == full_counts.end()) return;
            iso->RemoveGCEpilogueCallback(CountFullCollection, found->second);
            delete found->second;
            full_counts.erase(found);
          },
          isolate);
    } else {
      count = it->second;
    }
  }
  return Napi::Number::New(info.Env(), *count);
}

}  // namespace

void register_death_notices(Napi::Env env, Napi::Object exports) {
  exports.Set("reserveDeathIds", Napi::Function::New(env, ReserveDeathIds, "reserveDeathIds"));
  exports.Set("deathToken", Napi::Function::New(env, DeathToken, "deathToken"));
  exports.Set("takeDeathNotices", Napi::Function::New(env, TakeDeathNotices, "takeDeathNotices"));
  exports.Set("fullCollections", Napi::Function::New(env, FullCollections, "fullCollections"));
}

}  // namespace tts
