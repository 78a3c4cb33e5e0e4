// HTTP load generator over a fixed number of keep-alive connections to one 127.0.0.1 port.
// Closed loop: every connection sends its next request as soon as the previous one is answered
// (peak throughput). Open loop: request i is due at start + i/rate whatever happened before it;
// a free connection takes the next due request and its latency counts from the due time, so
// queueing behind busy connections or a stalled server is included (no coordinated omission).
// Prints a progress line to stderr once a second. Single client thread; bounded in time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/http/client.h"
#include "common/http/message.h"

namespace mc::bench {

struct http_call {
  std::string method = "POST";
  std::string target;
  http::header_list headers;
  std::string body;
};

// Builds the request with sequence number `seq` (0, 1, 2, … within one run). Called on the
// client thread only.
using call_factory = std::function<http_call(std::uint64_t seq)>;

struct load_options {
  std::string label;  // names the phase in the progress line
  std::uint16_t port = 0;
  int connections = 64;
  double seconds = 10;
  double rate_per_s = 0;  // open loop only: offered requests per second
  std::chrono::milliseconds request_deadline{30'000};
  // Open loop only: requests still unsent this long after the last one was due are dropped and
  // counted as `unsent`, so an overloaded server cannot stretch the run without end.
  double drain_s = 10;
  bool progress = true;
  // Optional: called on the client thread with every request's outcome (`seq` as given to the
  // factory; latency as recorded: from the due time in the open loop, from the send in the
  // closed loop), e.g. for per-endpoint figures or to keep ids from the answers.
  std::function<void(std::uint64_t seq, const http::client_result&, double latency_ms)> on_result;
};

struct load_result {
  double elapsed_s = 0;
  std::uint64_t sent = 0;
  std::uint64_t ok = 0;                    // 2xx answers
  std::uint64_t refused = 0;               // other complete answers (4xx, 5xx)
  std::uint64_t failed = 0;                // transport failures: timeout, connection closed, …
  std::uint64_t unsent = 0;                // open loop: dropped at the drain limit
  std::vector<double> ok_latencies_ms;     // one per 2xx answer
  std::vector<std::string> error_samples;  // the first few refusals and failures, for the log

  std::uint64_t errors() const { return refused + failed + unsent; }
  double ok_per_s() const { return elapsed_s > 0 ? static_cast<double>(ok) / elapsed_s : 0; }
};

load_result run_closed_loop(const load_options& opt, const call_factory& make_call);
load_result run_open_loop(const load_options& opt, const call_factory& make_call);

}  // namespace mc::bench
