// The committed completion scripts must match what the live command tree
// generates, must parse in their shells, and must complete what they claim.
#include <gtest/gtest.h>

#include "cmd/commands.hpp"
#include "cmd/completion_gen.hpp"
#include "support/test_support.hpp"

using namespace testing_support;

namespace {

struct Script {
    cmd::Shell shell;
    const char* name;
    const char* file;
};

const Script kScripts[] = {
    {cmd::Shell::bash, "bash", "completions/provctl.bash"},
    {cmd::Shell::zsh, "zsh", "completions/_provctl"},
    {cmd::Shell::fish, "fish", "completions/provctl.fish"},
};

std::string generate(cmd::Shell shell) {
    cmd::Context ctx;
    auto app = cmd::build_app(ctx);
    return cmd::completion_script(*app, shell);
}

// True when `program` can be started (run() reports 127 when exec fails).
bool have(const std::string& program) { return run({program, "-c", "exit 0"}).exit_code == 0; }

// Completes `words` (the last is the word under the cursor) with the bash script.
std::vector<std::string> bash_complete(const std::string& script, const std::vector<std::string>& words,
                                       bool with_bash_completion) {
    std::string cmd;
    if (with_bash_completion) cmd += "source /usr/share/bash-completion/bash_completion; ";
    cmd += "source \"$0\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; "
           "_provctl; printf '%s\\n' \"${COMPREPLY[@]}\"";
    std::vector<std::string> argv{"bash", "-c", cmd, script};
    argv.insert(argv.end(), words.begin(), words.end());
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1)
        if (nl > start) out.push_back(r.out.substr(start, nl - start));
    return out;
}

}  // namespace

TEST(CompletionGen, CommittedScriptsMatchTheCommandTree) {
    for (const auto& s : kScripts) {
        std::string committed;
        try {
            committed = slurp(source_dir() + "/" + s.file);
        } catch (const std::exception&) {
        }
        EXPECT_TRUE(committed == generate(s.shell))
            << s.file << " is out of date with the command tree; regenerate it with:\n  build/provctl completion "
            << s.name << " > " << s.file;
    }
}

TEST(CompletionGen, ModelFollowsTheTree) {
    CLI::App root("test", "provctl");
    bool flag = false;
    std::string text, out, type;
    std::vector<std::string> many;
    root.add_flag("--json", flag, "JSON");
    auto* sub = root.add_subcommand("thing", "Do a thing");
    auto* leaf = sub->add_subcommand("leaf", "A leaf");
    leaf->add_option("--subject", text, "Subject");
    leaf->add_option("--out", out, "Output path");
    leaf->add_option("--key-type", type, "Key type");
    leaf->add_option("--input", text, "Typed as a file")->type_name("FILE");
    leaf->add_option("--dns", many, "Repeatable");
    leaf->add_option("files", many, "Inputs")->type_name("FILE");
    auto model = cmd::completion::model_of(root);
    ASSERT_EQ(model.size(), 3u);
    EXPECT_EQ(model[0].path, "");
    EXPECT_EQ(model[0].children, std::vector<std::string>{"thing"});
    EXPECT_EQ(model[1].path, "thing");
    EXPECT_EQ(model[2].path, "thing leaf");
    EXPECT_EQ(model[2].positional, cmd::completion::ValueKind::file);
    std::map<std::string, cmd::completion::OptionModel> by_name;
    for (const auto& o : model[2].options) by_name[o.longs.front()] = o;
    using cmd::completion::ValueKind;
    EXPECT_EQ(by_name["--help"].value, ValueKind::none);
    EXPECT_EQ(by_name["--subject"].value, ValueKind::text);
    EXPECT_EQ(by_name["--out"].value, ValueKind::file);
    EXPECT_EQ(by_name["--input"].value, ValueKind::file);
    EXPECT_EQ(by_name["--key-type"].value, ValueKind::choice);
    EXPECT_EQ(by_name["--key-type"].choices.front(), "ec-p256");
    EXPECT_TRUE(by_name["--dns"].repeatable);
    EXPECT_FALSE(by_name["--subject"].repeatable);
    // A new option shows up in every script without touching the generator.
    for (const auto& s : kScripts) EXPECT_NE(cmd::completion_script(root, s.shell).find("input"), std::string::npos);
}

TEST(CompletionGen, ScriptsParse) {
    TempDir dir;
    struct Check {
        cmd::Shell shell;
        std::vector<std::string> argv;
    };
    const Check checks[] = {
        {cmd::Shell::bash, {"bash", "-n"}},
        {cmd::Shell::zsh, {"zsh", "-n"}},
        {cmd::Shell::fish, {"fish", "--no-execute"}},
    };
    for (const auto& c : checks) {
        // Only a missing zsh or fish is tolerated; bash is always there.
        if (c.argv[0] != "bash" && !have(c.argv[0])) {
            std::cout << c.argv[0] << " is not installed: its syntax check is skipped\n";
            continue;
        }
        std::string file = dir.file(c.argv[0]);
        spit(file, generate(c.shell));
        auto argv = c.argv;
        argv.push_back(file);
        auto r = run(argv);
        EXPECT_EQ(r.exit_code, 0) << c.argv[0] << " rejects the script:\n" << r.err;
    }
}

TEST(CompletionGen, BashCompletesCommandsOptionsAndValues) {
    TempDir dir;
    std::string script = dir.file("provctl.bash");
    spit(script, generate(cmd::Shell::bash));
    spit(dir.file("here.pem"), "");
    bool bc = exists("/usr/share/bash-completion/bash_completion");
    for (bool with_bc : {false, bc}) {
        using V = std::vector<std::string>;
        EXPECT_EQ(bash_complete(script, {"provctl", ""}, with_bc), (V{"ca", "cert", "csr", "id", "registry", "batch", "scan", "device", "manifest", "cloud", "completion"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "id", ""}, with_bc), (V{"check", "next"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "ca", ""}, with_bc),
                  (V{"init-root", "issue-intermediate", "revoke", "crl", "ceremony"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "registry", "list", "--state", "re"}, with_bc),
                  (V{"returned", "refurbished", "retired"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "--json", "cert", "ins"}, with_bc), (V{"inspect"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "ca", "init-root", "--key-t"}, with_bc), (V{"--key-type"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "ca", "init-root", "--key-type", "rsa"}, with_bc),
                  (V{"rsa-3072", "rsa-4096"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "completion", "z"}, with_bc), (V{"zsh"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "scan", "expiry", "--only", ""}, with_bc),
                  (V{"warn", "crit", "expired"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "cloud", ""}, with_bc), (V{"aws", "azure"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "cloud", "aws", "deactivate", "--status", ""}, with_bc),
                  (V{"INACTIVE", "REVOKED"}));
        // --profile names an AWS profile under cloud aws, not a certificate profile.
        EXPECT_EQ(bash_complete(script, {"provctl", "cloud", "aws", "register", "--profile", ""}, with_bc), V{});
        EXPECT_EQ(bash_complete(script, {"provctl", "cert", "sign-csr", "--profile", ""}, with_bc),
                  (V{"device", "server"}));
        // A value that looks like a command is not taken for one.
        EXPECT_EQ(bash_complete(script, {"provctl", "--pkcs11-module", "ca", "c"}, with_bc),
                  (V{"ca", "cert", "csr", "cloud", "completion"}));
        EXPECT_EQ(bash_complete(script, {"provctl", "cert", "inspect", "--at", "x", dir.file("he")}, with_bc),
                  (V{dir.file("here.pem")}));
        EXPECT_EQ(bash_complete(script, {"provctl", "cert", "sign-csr", "--out", dir.file("he")}, with_bc),
                  (V{dir.file("here.pem")}));
    }
}

TEST(CompletionGen, FishCompletesWhenInstalled) {
    if (!have("fish")) GTEST_SKIP() << "fish is not installed";
    TempDir dir;
    spit(dir.file("provctl.fish"), generate(cmd::Shell::fish));
    auto complete = [&](const std::string& line) {
        auto r = run({"fish", "-c", "source $argv[1]; complete -C $argv[2]", dir.file("provctl.fish"), line});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    };
    EXPECT_NE(complete("provctl ca ").find("init-root\t"), std::string::npos);
    EXPECT_NE(complete("provctl --json cert ").find("inspect\t"), std::string::npos);
    EXPECT_EQ(complete("provctl --json cert ").find("init-root"), std::string::npos);
    EXPECT_NE(complete("provctl cert sign-csr --profile ").find("server"), std::string::npos);
    EXPECT_NE(complete("provctl ca init-root --key-t").find("--key-type"), std::string::npos);
}
