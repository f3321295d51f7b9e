import pytest
from click.testing import CliRunner

from coffeechat.cli import main


@pytest.mark.parametrize("port", ["٣٠٠٠", "²", "8000.0", "65536", "-1", "99999999999999999999999"])
def test_serve_reads_the_port_in_ascii_digits_within_bounds(port):
    result = CliRunner().invoke(main, ["serve", "--no-browser", "--port", port])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: --port: ")
