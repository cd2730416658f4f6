// A libFuzzer target's default dictionary: LLVMFuzzerInitialize may rewrite the command line
// before libFuzzer reads its flags, so a target can bring its dictionary without every runner
// (scripts/fuzz.sh, a campaign, a reproduction) having to name it.
#pragma once

#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace coffer::fuzz {

// Adds -dict=`path` to the flags unless a -dict= is given, the file is missing, or libFuzzer
// is merging (which does not mutate). Returns 0, as LLVMFuzzerInitialize must.
inline int add_dictionary(int* argc, char*** argv, const char* path) {
  static std::vector<char*> args;
  static std::string flag;
  if (::access(path, R_OK) != 0) return 0;
  for (int i = 0; i < *argc; ++i) {
    if (std::strncmp((*argv)[i], "-dict=", 6) == 0) return 0;
    if (std::strncmp((*argv)[i], "-merge=", 7) == 0) return 0;
  }
  flag = std::string("-dict=") + path;
  args.assign(*argv, *argv + *argc);
  args.insert(args.begin() + 1, flag.data());
  args.push_back(nullptr);
  *argc += 1;
  *argv = args.data();
  return 0;
}

}  // namespace coffer::fuzz
