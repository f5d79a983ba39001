// man/provctl.1 must document the command tree build_app() makes: a .SS
// section per leaf command naming every long option, the global options,
// and the exit codes. Failures say exactly what is missing.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <sstream>

#include "cmd/commands.hpp"
#include "support/test_support.hpp"

using namespace testing_support;

namespace {

const std::string kMan = "man/provctl.1";

// roff source to plain text: font escapes dropped, \- and \(em made plain.
std::string plain(const std::string& roff) {
    std::string out;
    for (size_t i = 0; i < roff.size(); ++i) {
        if (roff[i] != '\\' || i + 1 >= roff.size()) {
            out += roff[i];
            continue;
        }
        char c = roff[i + 1];
        if (c == 'f') {  // \fB \fI \fR \fP \f(CW
            i += roff.compare(i + 2, 1, "(") == 0 ? 4 : 2;
        } else if (c == '-' || c == '\\' || c == '.' || c == '\'' || c == ' ') {
            out += c == ' ' ? ' ' : c;
            ++i;
        } else if (c == '(') {  // \(em and friends: a two-letter glyph
            out += ' ';
            i += 3;
        } else if (c == '&') {  // zero-width
            ++i;
        } else {
            out += roff[i];
        }
    }
    return out;
}

std::string unquote(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '"')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '"')) ++i;
    return s.substr(i);
}

struct Section {
    std::string heading;  // plain text of the .SH/.SS line
    std::string body;     // plain text up to the next heading of any level
};

struct ManPage {
    std::vector<Section> sh;  // .SH sections (body up to the next .SH)
    std::vector<Section> ss;  // .SS sections (body up to the next .SS or .SH)
};

ManPage parse(const std::string& roff) {
    ManPage page;
    std::istringstream in(roff);
    std::string line;
    // Pointers into the vectors are refreshed right after each push_back.
    Section* cur_sh = nullptr;
    Section* cur_ss = nullptr;
    while (std::getline(in, line)) {
        if (line.rfind(".SH", 0) == 0) {
            page.sh.push_back({unquote(plain(line.substr(3))), ""});
            cur_sh = &page.sh.back();
            cur_ss = nullptr;
            continue;
        }
        if (line.rfind(".SS", 0) == 0) {
            page.ss.push_back({unquote(plain(line.substr(3))), ""});
            cur_ss = &page.ss.back();
            if (page.sh.empty()) continue;
            cur_sh = &page.sh.back();
            cur_sh->body += plain(line.substr(3)) + "\n";
            continue;
        }
        if (line.rfind(".\\\"", 0) == 0) continue;  // comment
        std::string text = plain(line) + "\n";
        if (cur_sh != nullptr) cur_sh->body += text;
        if (cur_ss != nullptr) cur_ss->body += text;
    }
    return page;
}

// Whether `text` has `option` as a whole word ("--key" is not in "--key-type").
bool mentions(const std::string& text, const std::string& option) {
    for (size_t pos = text.find(option); pos != std::string::npos; pos = text.find(option, pos + 1)) {
        size_t end = pos + option.size();
        bool left_ok = pos == 0 || !(std::isalnum(static_cast<unsigned char>(text[pos - 1])) || text[pos - 1] == '-');
        bool right_ok = end >= text.size() ||
                        !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' || text[end] == '_');
        if (left_ok && right_ok) return true;
    }
    return false;
}

// "provctl ca init-root FILE..." names path "ca init-root".
bool heading_names(const std::string& heading, const std::string& path) {
    std::string h = heading;
    if (h.rfind("provctl ", 0) == 0) h = h.substr(8);
    return h == path || h.rfind(path + " ", 0) == 0;
}

void leaf_paths(const CLI::App& app, const std::string& path, std::vector<std::pair<std::string, const CLI::App*>>& out) {
    auto subs = app.get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty() && !path.empty()) out.emplace_back(path, &app);
    for (const CLI::App* sub : subs) leaf_paths(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
}

std::vector<std::string> long_options(const CLI::App& app) {
    std::vector<std::string> out;
    for (const CLI::Option* opt : app.get_options())
        for (const auto& l : opt->get_lnames()) out.push_back("--" + l);
    return out;
}

class ManPageTest : public ::testing::Test {
protected:
    void SetUp() override {
        try {
            roff = slurp(source_dir() + "/" + kMan);
        } catch (const std::exception&) {
            FAIL() << kMan << ": missing";
        }
        page = parse(roff);
        app = cmd::build_app(ctx);
    }
    const Section* sh(const std::string& name) const {
        for (const auto& s : page.sh)
            if (s.heading == name) return &s;
        return nullptr;
    }

    cmd::Context ctx;
    std::unique_ptr<CLI::App> app;
    std::string roff;
    ManPage page;
};

}  // namespace

TEST_F(ManPageTest, HasTheStandardSections) {
    for (const char* name : {"NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "KEY REFERENCES", "SECRETS",
                             "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "FILES"})
        EXPECT_TRUE(sh(name) != nullptr) << kMan << ": no " << name << " section";
}

TEST_F(ManPageTest, DocumentsEveryCommandAndOption) {
    std::vector<std::pair<std::string, const CLI::App*>> leaves;
    leaf_paths(*app, "", leaves);
    ASSERT_GE(leaves.size(), 8u);
    for (const auto& [path, leaf] : leaves) {
        const Section* section = nullptr;
        for (const auto& s : page.ss)
            if (heading_names(s.heading, path)) section = &s;
        if (section == nullptr) {
            ADD_FAILURE() << kMan << ": no section for '" << path << "'";
            continue;
        }
        for (const auto& opt : long_options(*leaf)) {
            if (opt == "--help") continue;  // every command has it; documented once globally
            EXPECT_TRUE(mentions(section->body, opt)) << kMan << ": section '" << path << "' does not mention " << opt;
        }
    }
}

TEST_F(ManPageTest, DocumentsGlobalOptionsAndEnvironment) {
    const Section* global = sh("GLOBAL OPTIONS");
    ASSERT_TRUE(global != nullptr) << kMan << ": no GLOBAL OPTIONS section";
    for (const auto& opt : long_options(*app))
        EXPECT_TRUE(mentions(global->body, opt)) << kMan << ": section 'GLOBAL OPTIONS' does not mention " << opt;
    const Section* env = sh("ENVIRONMENT");
    ASSERT_TRUE(env != nullptr) << kMan << ": no ENVIRONMENT section";
    for (const char* var : {"NO_COLOR", "PROVCTL_PKCS11_MODULE"})
        EXPECT_NE(env->body.find(var), std::string::npos) << kMan << ": section 'ENVIRONMENT' does not mention " << var;
}

TEST_F(ManPageTest, DocumentsEveryExitCode) {
    ASSERT_TRUE(sh("EXIT STATUS") != nullptr) << kMan << ": no EXIT STATUS section";
    // Each code is the tag of a .TP entry: the line after ".TP" is the code.
    std::map<std::string, bool> seen;
    std::istringstream in(roff.substr(roff.find(".SH \"EXIT STATUS\"") == std::string::npos
                                          ? roff.find(".SH EXIT STATUS")
                                          : roff.find(".SH \"EXIT STATUS\"")));
    std::string line, prev;
    bool first = true;
    while (std::getline(in, line)) {
        if (!first && line.rfind(".SH", 0) == 0) break;
        first = false;
        if (prev == ".TP") seen[unquote(plain(line.rfind(".B ", 0) == 0 ? line.substr(3) : line))] = true;
        prev = line;
    }
    for (const char* code : {"0", "1", "2", "3"})
        EXPECT_TRUE(seen[code]) << kMan << ": section 'EXIT STATUS' has no .TP entry for exit code " << code;
}

TEST_F(ManPageTest, GroffRendersWithoutWarnings) {
    auto probe = run({"groff", "--version"});
    if (probe.exit_code != 0) GTEST_SKIP() << "groff is not installed";
    auto r = run({"groff", "-man", "-z", "-ww", source_dir() + "/" + kMan});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "") << kMan << ": groff warns:\n" << r.err;
}
