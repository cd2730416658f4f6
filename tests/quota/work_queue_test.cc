// The worker queue's lanes and time bound: an administrator's job goes first, opening and
// general jobs take turns, a job that waited too long is answered (shed) instead of run, and
// a lane whose oldest job is late refuses newcomers at once.
#include "server/rpc/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace coffer::server::rpc {
namespace {

using namespace std::chrono_literals;
using net::Lane;
using net::WorkJob;

// Holds the only worker until released, so jobs pile up in the lanes.
class BlockedWorker {
 public:
  explicit BlockedWorker(WorkQueue& queue) {
    EXPECT_TRUE(queue.try_submit([this] {
      started_.set_value();
      release_.get_future().wait();
    }));
    started_.get_future().wait();
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> started_, release_;
};

TEST(WorkQueue, AdministratorFirstThenOpeningAndGeneralInTurn) {
  WorkQueue queue(1, 16);
  std::mutex mutex;
  std::vector<std::string> order;
  auto job = [&](Lane lane, std::string name) {
    return WorkJob{[&, name] {
                     std::lock_guard lock(mutex);
                     order.push_back(name);
                   },
                   {},
                   lane};
  };
  BlockedWorker blocked(queue);
  for (auto* name : {"g1", "g2", "g3"}) ASSERT_TRUE(queue.try_submit(job(Lane::kGeneral, name)));
  for (auto* name : {"o1", "o2"}) ASSERT_TRUE(queue.try_submit(job(Lane::kOpening, name)));
  ASSERT_TRUE(queue.try_submit(job(Lane::kAdministrator, "a1")));
  blocked.release();
  queue.drain_and_stop();
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "o1", "g1", "o2", "g2", "g3"}));
}

TEST(WorkQueue, AJobThatWaitedTooLongIsShedNotRun) {
  WorkQueue queue(1, 16);
  queue.set_max_queue_time(20ms);
  std::atomic<int> ran{0}, shed{0}, unsheddable_ran{0};
  BlockedWorker blocked(queue);
  ASSERT_TRUE(queue.try_submit(WorkJob{[&] { ++ran; }, [&] { ++shed; }, Lane::kGeneral}));
  // A job without a shed answer (authentication work) always runs.
  ASSERT_TRUE(queue.try_submit(WorkJob{[&] { ++unsheddable_ran; }, {}, Lane::kOpening}));
  std::this_thread::sleep_for(60ms);
  blocked.release();
  queue.drain_and_stop();
  EXPECT_EQ(ran.load(), 0);
  EXPECT_EQ(shed.load(), 1);
  EXPECT_EQ(unsheddable_ran.load(), 1);
  EXPECT_EQ(queue.shed_count(), 1u);
}

TEST(WorkQueue, ALateLaneRefusesNewcomersAtOnce) {
  WorkQueue queue(1, 16);
  queue.set_max_queue_time(20ms);
  BlockedWorker blocked(queue);
  auto job = [](Lane lane) { return WorkJob{[] {}, [] {}, lane}; };
  ASSERT_TRUE(queue.try_submit(job(Lane::kGeneral)));
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(queue.try_submit(job(Lane::kGeneral))) << "the lane's oldest job is late";
  EXPECT_EQ(queue.refused_count(), 1u);
  // Another lane is not late.
  EXPECT_TRUE(queue.try_submit(job(Lane::kOpening)));
  blocked.release();
  queue.drain_and_stop();
}

TEST(WorkQueue, AJobsOwnDeadlineShedsItWithoutAQueueLimit) {
  WorkQueue queue(1, 16);
  std::atomic<int> ran{0}, shed{0};
  BlockedWorker blocked(queue);
  WorkJob job{[&] { ++ran; }, [&] { ++shed; }, Lane::kGeneral, WorkQueue::Clock::now() + 10ms};
  ASSERT_TRUE(queue.try_submit(std::move(job)));
  WorkJob patient{[&] { ++ran; }, [&] { ++shed; }, Lane::kGeneral};
  ASSERT_TRUE(queue.try_submit(std::move(patient)));
  std::this_thread::sleep_for(30ms);
  blocked.release();
  queue.drain_and_stop();
  EXPECT_EQ(shed.load(), 1);
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkQueue, EachLaneIsBoundedByLength) {
  WorkQueue queue(1, 2);
  BlockedWorker blocked(queue);
  auto job = [](Lane lane) { return WorkJob{[] {}, {}, lane}; };
  EXPECT_TRUE(queue.try_submit(job(Lane::kGeneral)));
  EXPECT_TRUE(queue.try_submit(job(Lane::kGeneral)));
  EXPECT_FALSE(queue.try_submit(job(Lane::kGeneral)));
  EXPECT_TRUE(queue.try_submit(job(Lane::kOpening)));
  int admin = 0;
  while (queue.try_submit(job(Lane::kAdministrator))) ++admin;
  EXPECT_EQ(admin, 16);  // an eighth of the capacity, at least 16
  EXPECT_EQ(queue.queued(), 19u);
  blocked.release();
  queue.drain_and_stop();
  EXPECT_EQ(queue.queued(), 0u);
}

}  // namespace
}  // namespace coffer::server::rpc
