"""``python -m gan_helpers``: report the device, the data source and the profile in force."""
import sys

from . import device_report, load_mnist, profile_name


def main():
    try:
        name = profile_name()
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    device_report()
    print(f"Profile: {name}")
    x, _ = load_mnist()
    print(f"MNIST images: {x.shape} {x.dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
