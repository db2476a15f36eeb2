"""A repository of selected system header folders and a BUILD file.

new_local_repository over /usr/include would expose every system header under
the repository's include path, including OpenSSL's, which must never shadow
BoringSSL. This rule links only the named folders.
"""

def _system_headers_impl(ctx):
    for folder in ctx.attr.folders:
        ctx.symlink(ctx.attr.root + "/" + folder, folder)
    ctx.symlink(ctx.attr.build_file, "BUILD.bazel")
    ctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % ctx.name)

system_headers = repository_rule(
    implementation = _system_headers_impl,
    attrs = {
        "root": attr.string(default = "/usr/include"),
        "folders": attr.string_list(mandatory = True),
        "build_file": attr.label(mandatory = True, allow_single_file = True),
    },
    local = True,
)
