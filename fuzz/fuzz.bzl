"""cygnet_fuzz_target: one libFuzzer target and its corpus regression test.

Each target's source defines LLVMFuzzerTestOneInput. The macro makes
  NAME_regression_test  a cc_test that feeds every file of the corpus through
                        the target with the ordinary toolchain (runs in
                        `bazel test //...`);
  NAME                  a cc_binary for libFuzzer, built with --config=fuzz.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_library", "cc_test")

def cygnet_fuzz_target(name, srcs, deps = [], corpus = None):
    corpus = corpus or (name + "_corpus")
    cc_library(
        name = name + "_lib",
        srcs = srcs,
        deps = deps,
        testonly = True,
        alwayslink = True,
    )
    cc_test(
        name = name + "_regression_test",
        srcs = ["//fuzz:corpus_runner.cc"],
        args = ["$(locations :%s)" % (corpus + "_files")],
        data = [":" + corpus + "_files"],
        deps = [":" + name + "_lib"],
    )
    native.filegroup(
        name = corpus + "_files",
        srcs = native.glob([corpus + "/**"]),
    )
    cc_binary(
        name = name,
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )
