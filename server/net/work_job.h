// A request's work as a listener hands it to the workers: what to run, what to answer
// instead when it could not start in time (load shedding), and which lane it waits in.
// Lanes keep one kind of traffic from starving another under overload: an administrator's
// management requests go first, and requests that open what exists (Decrypt,
// GetSecretValue, Verify...) take turns with everything else (a GenerateDataKey flood).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace coffer::server::net {

enum class Lane : std::uint8_t {
  kAdministrator,  // the account's root: management and reads of configuration
  kOpening,        // Decrypt, ReEncrypt, Verify, VerifyMac, GetSecretValue, ...
  kGeneral,        // the rest
};
inline constexpr std::size_t kLaneCount = 3;

struct WorkJob {
  using Clock = std::chrono::steady_clock;
  std::function<void()> run;
  // Called instead of `run` by a worker that takes the job after `start_by` (or after the
  // queue's maximum queueing time): it answers ThrottlingException. Null: always run.
  std::function<void()> shed;
  Lane lane = Lane::kGeneral;
  Clock::time_point start_by = Clock::time_point::max();  // an rpc deadline, say
};

}  // namespace coffer::server::net
