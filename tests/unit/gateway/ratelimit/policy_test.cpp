// Policy validation and the one rounding rule of decisions.
#include <gtest/gtest.h>

#include <stdexcept>

#include "gateway/ratelimit/limiter_options.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {
namespace {

TEST(Policy, ValidateRejectsWhatCannotBeABucket) {
  EXPECT_NO_THROW(validate(policy{"user", 20.0, 40}));
  EXPECT_NO_THROW(validate(policy{"auth_ip-2", 0.5, 1}));
  EXPECT_THROW(validate(policy{"", 1.0, 1}), std::invalid_argument);
  EXPECT_THROW(validate(policy{"a:b", 1.0, 1}), std::invalid_argument);  // would split keys
  EXPECT_THROW(validate(policy{"user", 0.0, 1}), std::invalid_argument);
  EXPECT_THROW(validate(policy{"user", -1.0, 1}), std::invalid_argument);
  EXPECT_THROW(validate(policy{"user", 2e6, 1}), std::invalid_argument);
  EXPECT_THROW(validate(policy{"user", 1.0, 0}), std::invalid_argument);
  EXPECT_THROW(validate(policy{"user", 1.0, 2'000'000}), std::invalid_argument);
}

TEST(Policy, DefaultOptionsAreValidAndAuthIsStricter) {
  const limiter_options o;
  EXPECT_NO_THROW(validate(o));
  EXPECT_LT(o.auth_ip.rate_per_s, o.user.rate_per_s);
  EXPECT_LT(o.auth_ip.burst, o.user.burst);
  limiter_options bad;
  bad.local_buckets_max = 0;
  EXPECT_THROW(validate(bad), std::invalid_argument);
  bad = {};
  bad.key_prefix.clear();
  EXPECT_THROW(validate(bad), std::invalid_argument);
}

TEST(Policy, DecisionRoundsTimesUpAndRetryAfterIsAtLeastOne) {
  const policy p{"user", 1.0, 5};
  const decision refused = make_decision(p, false, 0, 1, 4'000'001);
  EXPECT_EQ(refused.retry_after_s, 1);
  EXPECT_EQ(refused.reset_s, 5);
  EXPECT_EQ(refused.limit, 5);
  EXPECT_EQ(make_decision(p, false, 0, 0, 0).retry_after_s, 1);
  EXPECT_EQ(make_decision(p, false, 0, 2'000'000, 0).retry_after_s, 2);
  const decision allowed = make_decision(p, true, 4, 0, 1'000'000);
  EXPECT_EQ(allowed.retry_after_s, 0);
  EXPECT_EQ(allowed.reset_s, 1);
  EXPECT_EQ(make_decision(p, true, 9, 0, 0).remaining, 5);  // clamped to the limit
  EXPECT_EQ(make_decision(p, true, -1, 0, 0).remaining, 0);
}

}  // namespace
}  // namespace mc::gateway::ratelimit
