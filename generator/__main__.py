import sys

try:  # Ctrl-C while the modules load is an interruption like any other: one line, exit 130
    from .cli import main

    code = main()
except KeyboardInterrupt:
    print("expert-guide: 已中断（Ctrl-C）；已发布的内容保持不变。", file=sys.stderr)
    code = 130
raise SystemExit(code)
