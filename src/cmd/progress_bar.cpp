#include "cmd/progress_bar.hpp"

#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>

namespace cmd {

void draw_progress(std::ostream& err, uint64_t done, uint64_t total, uint64_t counted, double seconds) {
    constexpr int width = 30;
    double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
    int filled = static_cast<int>(fraction * width);
    double rate = seconds > 0 ? static_cast<double>(counted) / seconds : 0;
    double per_item = done > 0 ? seconds / static_cast<double>(done) : 0;
    int eta = static_cast<int>(per_item * static_cast<double>(total - done) + 0.5);
    std::ostringstream r;
    r << std::fixed << std::setprecision(0) << rate << "/s";
    err << "\r[" << std::string(static_cast<size_t>(filled), '#') << std::string(static_cast<size_t>(width - filled), '.')
        << "] " << std::setw(3) << static_cast<int>(fraction * 100) << "% " << done << "/" << total << "  " << r.str()
        << "  ETA " << eta / 60 << "m" << std::setw(2) << std::setfill('0') << eta % 60 << "s" << std::setfill(' ')
        << "\033[K" << std::flush;
}

}  // namespace cmd
