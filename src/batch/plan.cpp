#include "batch/plan.hpp"

#include <fstream>
#include <unordered_map>
#include <vector>

#include "device/device_id.hpp"
#include "util/error.hpp"

namespace batch {

namespace {

class TemplatePlan final : public Plan {
public:
    TemplatePlan(const device::IdTemplate& tmpl, uint64_t start, uint64_t count)
        : tmpl_(tmpl), next_(start), end_(start + count), count_(count) {
        if (count == 0) util::fail_input("--count must be at least 1");
        if (end_ < start || end_ - 1 > tmpl.max_seq())
            util::fail_input("--start " + std::to_string(start) + " with --count " + std::to_string(count) +
                             " runs past the largest sequence number of --id-template '" + tmpl.text() + "' (" +
                             std::to_string(tmpl.max_seq()) + ")");
        tmpl_.render(end_ - 1);  // fails early when the last ID would not fit the 64-character limit
    }
    std::optional<PlannedDevice> next() override {
        if (next_ == end_) return std::nullopt;
        return PlannedDevice{tmpl_.render(next_++), "", ""};
    }
    uint64_t size() const override { return count_; }

private:
    device::IdTemplate tmpl_;
    uint64_t next_, end_, count_;
};

struct Line {
    std::string id;
    std::string hw;
};

// One line's fields, trimmed; false for lines that hold no device.
bool parse_line(std::string line, Line& out) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto trim = [](std::string s) {
        size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    line = trim(line);
    if (line.empty() || line[0] == '#') return false;
    auto comma = line.find(',');
    out.id = trim(line.substr(0, comma));
    out.hw = comma == std::string::npos ? "" : trim(line.substr(comma + 1));
    return true;
}

class FilePlan final : public Plan {
public:
    FilePlan(const std::string& path, const device::IdTemplate* tmpl) : path_(path) {
        std::ifstream in(path);
        if (!in) util::fail_input(path + ": cannot read the ID list");
        std::unordered_map<std::string, uint64_t> ids, serials;
        std::vector<std::string> problems;
        std::string text;
        uint64_t line_no = 0;
        while (std::getline(in, text)) {
            ++line_no;
            Line l;
            if (!parse_line(text, l)) continue;
            if (count_ == 0 && l.id == "device_id") continue;  // header
            std::string where = path + ":" + std::to_string(line_no) + ": ";
            if (l.hw.find(',') != std::string::npos) {
                problems.push_back(where + "more than two fields (expected DEVICE_ID[,HARDWARE_SERIAL])");
                continue;
            }
            if (auto problem = device::id_problem(l.id)) {
                problems.push_back(where + "device ID '" + l.id.substr(0, device::kMaxIdLength) + "': " + *problem);
                continue;
            }
            if (tmpl != nullptr) {
                auto reading = tmpl->read(l.id);
                if (!reading.valid()) {
                    problems.push_back(where + "device ID '" + l.id + "' does not match --id-template: " + reading.error);
                    continue;
                }
            }
            if (auto [it, fresh] = ids.emplace(l.id, line_no); !fresh) {
                problems.push_back(where + "device ID " + l.id + " is already on line " + std::to_string(it->second));
                continue;
            }
            if (!l.hw.empty())
                if (auto [it, fresh] = serials.emplace(l.hw, line_no); !fresh)
                    problems.push_back(where + "hardware serial " + l.hw + " is already on line " +
                                       std::to_string(it->second));
            ++count_;
        }
        if (in.bad()) util::fail_input(path + ": read error");
        if (!problems.empty()) {
            std::string message = std::to_string(problems.size()) + " problem(s) in the ID list; nothing was issued";
            for (size_t i = 0; i < problems.size() && i < 20; ++i) message += "\n  " + problems[i];
            util::fail_input(message);
        }
        if (count_ == 0) util::fail_input(path + ": the ID list holds no device IDs");
        in_.open(path);
    }

    std::optional<PlannedDevice> next() override {
        std::string text;
        bool first = !started_;
        started_ = true;
        while (std::getline(in_, text)) {
            Line l;
            if (!parse_line(text, l)) continue;
            if (first && l.id == "device_id") {
                first = false;
                continue;
            }
            return PlannedDevice{l.id, l.hw, ""};
        }
        return std::nullopt;
    }
    uint64_t size() const override { return count_; }

private:
    std::string path_;
    std::ifstream in_;
    uint64_t count_ = 0;
    bool started_ = false;
};

}  // namespace

std::unique_ptr<Plan> template_plan(const device::IdTemplate& tmpl, uint64_t start, uint64_t count) {
    return std::make_unique<TemplatePlan>(tmpl, start, count);
}

std::unique_ptr<Plan> file_plan(const std::string& path, const device::IdTemplate* tmpl) {
    return std::make_unique<FilePlan>(path, tmpl);
}

}  // namespace batch

namespace batch {

namespace {

class ListPlan final : public Plan {
public:
    explicit ListPlan(std::vector<PlannedDevice> devices) : devices_(std::move(devices)) {}
    std::optional<PlannedDevice> next() override {
        if (next_ == devices_.size()) return std::nullopt;
        return devices_[next_++];
    }
    uint64_t size() const override { return devices_.size(); }

private:
    std::vector<PlannedDevice> devices_;
    size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Plan> list_plan(std::vector<PlannedDevice> devices) {
    return std::make_unique<ListPlan>(std::move(devices));
}

}  // namespace batch
