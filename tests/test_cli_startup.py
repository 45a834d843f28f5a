"""Starting the command line loads only what the command needs.

Each check runs a fresh interpreter: in this process the test suite has long since
imported everything, so `sys.modules` here says nothing about what a command loads.
"""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_verb_is_not_hidden_by_its_submodule() -> None:
    """`registry` and `service` name both a verb and the submodule that defines it; loading
    the submodule from elsewhere first must not replace the verb on the package."""
    code = (
        "import pactwatch.verbs.exports, pactwatch.verbs.service\n"
        "from pactwatch import verbs\n"
        "print(verbs.registry.__module__, verbs.service.__module__, verbs.load.__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pactwatch.verbs.registry", "pactwatch.verbs.service", "load"]
