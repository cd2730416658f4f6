// Runs one program to completion with a deadline: its own process group (a timeout kills
// everything it started), a given environment, bytes on stdin, and stdout and stderr
// captured together (bounded, so a chatty function cannot grow cofferd's memory).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace coffer::server::rotation {

struct ChildResult {
  int exit_status = -1;  // the exit code; -1 when it was killed or did not exit
  bool timed_out = false;
  std::string output;  // stdout and stderr, at most max_output bytes
  bool truncated = false;
};

// `argv[0]` is the program's path (not searched in PATH). Throws coffer::Error when the
// program cannot be started.
ChildResult run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      const std::string& input, std::chrono::milliseconds timeout,
                      std::size_t max_output = 64 * 1024);

}  // namespace coffer::server::rotation
