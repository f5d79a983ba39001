#pragma once
// The batch folder's file operations. Device files are many and small, so
// they are not fsynced one by one: each is written under a temp name and
// renamed, and a whole chunk is flushed at once (sync_dir) before the
// registry commit that makes it count.
#include <optional>
#include <string>
#include <sys/types.h>

namespace batch {

// mkdir -p; exit 1 naming the folder when it cannot be made.
void make_dirs(const std::string& dir);
// Removes what interrupted writes left in `dir` (".tmp-*" and ".provctl-tmp-*").
void remove_temp_files(const std::string& dir);
bool file_exists(const std::string& path);
std::optional<std::string> read_if_exists(const std::string& path);
// Temp name beside `path`, write, rename; no fsync (see sync_dir). Exit 1
// naming the file on any error (a full disk among them); no temp file stays.
void write_file_now(const std::string& path, const std::string& data, mode_t mode);
// Straight to `path` (created or truncated), for a new device's files: until
// the registry commit names them they are nobody's, and a torn one is simply
// written again by the next run. Saves the rename on the hot path.
void write_new_file(const std::string& path, const std::string& data, mode_t mode);
void remove_file(const std::string& path);
// Flushes the file system holding `dir`: every file written and renamed so far.
void sync_dir(const std::string& dir);

}  // namespace batch
