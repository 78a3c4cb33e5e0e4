// A caller waiting for its command's batch to commit: a type-erased completion handler that
// resumes the caller on its own executor (never on the persister thread) and keeps that
// executor's io_context alive while the command is in flight.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <utility>

#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

class completion {
 public:
  virtual ~completion() = default;
  // Called exactly once, from any thread.
  virtual void complete(command_result result) noexcept = 0;
};
using completion_ptr = std::unique_ptr<completion>;

template <class Handler>
class handler_completion final : public completion {
 public:
  explicit handler_completion(Handler h)
      : work_(
            net::prefer(net::get_associated_executor(h), net::execution::outstanding_work.tracked)),
        handler_(std::move(h)) {}

  void complete(command_result result) noexcept override {
    net::post(work_, [h = std::move(handler_), r = std::move(result)]() mutable {
      std::move(h)(std::move(r));
    });
  }

 private:
  using work_executor =
      std::decay_t<decltype(net::prefer(std::declval<net::associated_executor_t<Handler>>(),
                                        net::execution::outstanding_work.tracked))>;
  work_executor work_;
  Handler handler_;
};

template <class Handler>
completion_ptr make_completion(Handler h) {
  return std::make_unique<handler_completion<Handler>>(std::move(h));
}

}  // namespace mc::tradeledger
