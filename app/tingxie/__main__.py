from tingxie.cli import main

raise SystemExit(main())
