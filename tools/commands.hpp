// The symact CLI's subcommands. Each returns the process exit status; errors are thrown as
// symact::error and reported by main (exit status 2).
#pragma once
#include <span>

namespace symact::cli {

int cmd_eval(std::span<char*> args);
int cmd_diff(std::span<char*> args);
int cmd_demo(std::span<char*> args);
int cmd_inspect(std::span<char*> args);
int cmd_plot(std::span<char*> args);
int cmd_gen(std::span<char*> args);
int cmd_jit(std::span<char*> args);
int cmd_nn(std::span<char*> args);

}  // namespace symact::cli
