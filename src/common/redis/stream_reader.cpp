#include "common/redis/stream_reader.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <stdexcept>
#include <utility>

#include "common/log/log.h"

namespace mc::redis {

namespace {

std::pair<std::uint64_t, std::uint64_t> split_id(const std::string& id) {
  std::uint64_t ms = 0, seq = 0;
  const auto dash = id.find('-');
  std::from_chars(id.data(), id.data() + std::min(dash, id.size()), ms);
  if (dash != std::string::npos) std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  return {ms, seq};
}

// The value of `field` in a flat [k1, v1, k2, v2, ...] reply array, or nullptr.
const reply* field_of(const reply& flat, std::string_view field) {
  for (std::size_t i = 0; i + 1 < flat.elements.size(); i += 2) {
    if (flat.elements[i].str == field) return &flat.elements[i + 1];
  }
  return nullptr;
}

stream_entry entry_of(const reply& r) {
  stream_entry e;
  if (r.elements.size() < 2) return e;
  e.id = r.elements[0].str;
  const reply& fields = r.elements[1];
  if (const reply* v = field_of(fields, "seq")) {
    std::from_chars(v->str.data(), v->str.data() + v->str.size(), e.seq);
  }
  if (const reply* v = field_of(fields, "channel")) e.channel = v->str;
  if (const reply* v = field_of(fields, "payload")) e.payload = v->str;
  return e;
}

}  // namespace

int compare_stream_ids(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  const auto x = split_id(a), y = split_id(b);
  return x < y ? -1 : (y < x ? 1 : 0);
}

stream_reader::stream_reader(const std::string& url, std::string stream, std::string start_id,
                             batch_handler on_batch, gap_handler on_gap,
                             stream_reader_options options)
    : url_(url),
      stream_(std::move(stream)),
      on_batch_(std::move(on_batch)),
      on_gap_(std::move(on_gap)),
      options_(options),
      last_(start_id == "0" ? "0-0" : std::move(start_id)) {
  if (!parse_url(url_)) throw std::invalid_argument("stream_reader: malformed Redis URL");
  thread_ = std::thread([this] { thread_main(); });
}

stream_reader::~stream_reader() {
  stop();
}

void stream_reader::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string stream_reader::last_id() const {
  std::lock_guard lock(mutex_);
  return last_ == "$" ? std::string() : last_;
}

bool stream_reader::wait_reading(std::chrono::milliseconds timeout) const {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!reading_.load()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool stream_reader::sleep_interruptible(std::chrono::milliseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < end) {
    if (stopping_) return true;
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(20), std::chrono::duration_cast<std::chrono::milliseconds>(
                                           end - std::chrono::steady_clock::now())));
  }
  return stopping_;
}

bool stream_reader::resume(client& c) {
  std::string last;
  {
    std::lock_guard lock(mutex_);
    last = last_;
  }
  const reply info = c.command({"XINFO", "STREAM", stream_});
  // "no such key": the stream does not exist yet, so there is nothing to miss. Any other error
  // (a Redis still LOADING its data after a restart, a lost connection) means: try again later.
  const bool missing = !info.ok() && info.str.find("no such key") != std::string::npos;
  if (!info.ok() && !missing) return false;
  std::string top, first;
  if (!missing) {
    if (const reply* v = field_of(info, "last-generated-id")) top = v->str;
    if (const reply* v = field_of(info, "first-entry"); v && v->elements.size() >= 1) {
      first = v->elements[0].str;
    }
  }
  if (last == "$") {
    std::lock_guard lock(mutex_);
    last_ = top.empty() ? "0-0" : top;
    return true;
  }
  // Our position is older than everything the stream still holds (it was trimmed past us), or
  // newer than anything it ever held (Redis lost the stream): entries we had not read may be
  // gone. Redis keeps no history of trims, so a trim that removed only entries we had already
  // read is reported too — the user re-reads state, which is always safe.
  const bool trimmed = last != "0-0" && !first.empty() && compare_stream_ids(first, last) > 0;
  const bool recreated = last != "0-0" && compare_stream_ids(top.empty() ? "0-0" : top, last) < 0;
  if (trimmed || recreated) {
    ++gaps_;
    log::warn("stream gap", {{"stream", stream_}, {"last_seen", last}, {"resumes_at", first}});
    if (on_gap_) on_gap_(last, first);
    if (recreated) {
      std::lock_guard lock(mutex_);
      last_ = "0-0";  // read the new stream from its start
    }
  }
  return true;
}

bool stream_reader::read_batch(client& c) {
  std::string last;
  {
    std::lock_guard lock(mutex_);
    last = last_;
  }
  const reply r = c.command({"XREAD", "COUNT", std::to_string(options_.batch_max), "BLOCK",
                             std::to_string(options_.block_ms.count()), "STREAMS", stream_, last});
  if (!r.ok()) return false;
  if (r.is_nil() || r.elements.empty()) return true;  // nothing new within block_ms
  std::vector<stream_entry> batch;
  for (const reply& s : r.elements) {
    if (s.elements.size() < 2) continue;
    for (const reply& e : s.elements[1].elements) batch.push_back(entry_of(e));
  }
  if (batch.empty()) return true;
  {
    std::lock_guard lock(mutex_);
    last_ = batch.back().id;
  }
  entries_ += batch.size();
  on_batch_(batch);
  return true;
}

void stream_reader::thread_main() {
  client_options co;
  co.connect_timeout_ms = options_.connect_timeout_ms;
  // XREAD BLOCK holds the socket for block_ms; the read timeout must outlast it.
  co.command_timeout_ms = options_.block_ms + std::chrono::milliseconds(1000);
  co.reconnect_interval_ms = std::chrono::milliseconds(0);
  client c(url_, co);
  std::minstd_rand rng(std::random_device{}());
  auto backoff = options_.backoff_initial_ms;
  bool first = true;
  while (!stopping_) {
    if (!resume(c)) {
      reading_ = false;
      std::uniform_int_distribution<long> pick(backoff.count() / 2, backoff.count());
      if (sleep_interruptible(std::chrono::milliseconds(pick(rng)))) break;
      backoff = std::min(backoff * 2, options_.backoff_max_ms);
      continue;
    }
    if (!first) ++reconnects_;
    first = false;
    backoff = options_.backoff_initial_ms;
    reading_ = true;
    while (!stopping_ && read_batch(c)) {
    }
    reading_ = false;
  }
}

}  // namespace mc::redis
