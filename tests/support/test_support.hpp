#pragma once
// Shared test helpers: temporary folders, running programs, reading files.
#include <map>
#include <string>
#include <vector>

namespace testing_support {

// A fresh folder under $TMPDIR, removed with everything in it at scope end.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs argv[0] (searched in PATH) with extra environment variables, in `cwd`
// (if not empty), feeding `input` on stdin. Never through a shell.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
              const std::string& cwd = {}, const std::string& input = {});

// The provctl binary under test with arguments.
RunResult provctl(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                  const std::string& cwd = {});

std::string slurp(const std::string& path);
void spit(const std::string& path, const std::string& data);
bool exists(const std::string& path);
// Mode bits (e.g. 0600) of a file.
unsigned file_mode(const std::string& path);
// Names in a folder, sorted, without . and ..
std::vector<std::string> list_dir(const std::string& path);

std::string shared_testdata();  // ../shared/testdata
std::string source_dir();

}  // namespace testing_support
