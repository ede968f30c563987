#!/bin/sh
# help2man's view of sm-report (packaging/CMakeLists.txt runs
# `help2man packaging/man-help.sh` with SMR_MAN_BIN set to the built binary).
# --version passes through. --help prints the top-level help with its
# "Subcommands:" list as "Commands:", then one "sm-report CMD:" section per
# command from `sm-report --help-all`, reshaped into the "  TERM  text" /
# "  TERM\n        text" lines help2man turns into man-page option lists.
set -eu
bin=${SMR_MAN_BIN:?set SMR_MAN_BIN to the sm-report binary}
case "${1:-}" in
  --version) exec "$bin" --version ;;
  --help) ;;
  *) echo "usage: SMR_MAN_BIN=BIN $0 --help|--version" >&2; exit 2 ;;
esac
"$bin" --help | sed -n '/^Usage:/,$p' | sed 's/^Subcommands:$/Commands:/'
"$bin" --help-all | awk '
  /^Subcommands:$/ { in_cmds = 1; next }
  !in_cmds { next }
  /^[a-z]/ { cmd = $1; print ""; print "sm-report " cmd ":"; next }
  /^  [^ ]/ && !/^  (Positionals|Options):$/ {  # the command description
    sub(/^  /, ""); print "  " $0; print ""; next
  }
  /^  (Positionals|Options):$/ { next }
  /^    [^ ]/ {
    # CLI11 starts the text at column 32, or on the next line when the
    # option does not fit; help2man gets the text on its own line.
    term = substr($0, 5); text = ""
    if (length($0) > 32 && substr($0, 32, 1) == " " && substr($0, 33, 1) != " ") {
      term = substr($0, 5, 27); text = substr($0, 33)
    }
    sub(/ +$/, "", term)
    sub(/ TEXT \.\.\. REQUIRED$/, "", term)  # the positional DIR
    print "  " term
    if (text != "") print "                              " text
    next
  }
  /^ +[^ ]/ { sub(/^ +/, ""); print "                              " $0; next }
'
