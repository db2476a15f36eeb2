// Runs a libFuzzer target over every file named on the command line (or found
// under a directory named there), so each fuzz corpus doubles as a regression
// test under the ordinary toolchain. A crash, sanitizer report or abort fails
// the test; a file that cannot be read fails it too.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool RunFile(const std::string& path, int* count) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  ++*count;
  return true;
}

bool RunPath(const std::string& path, int* count) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    std::fprintf(stderr, "no such file: %s\n", path.c_str());
    return false;
  }
  if (!S_ISDIR(info.st_mode)) return RunFile(path, count);
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return false;
  bool ok = true;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    ok = RunPath(path + "/" + name, count) && ok;
  }
  closedir(dir);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) ok = RunPath(argv[i], &count) && ok;
  // Bazel passes each corpus file separately ($(locations)); either way every
  // input must have run.
  if (count == 0) {
    std::fprintf(stderr, "no corpus inputs ran\n");
    return 1;
  }
  std::printf("%d corpus inputs ran without a crash\n", count);
  return ok ? 0 : 1;
}
