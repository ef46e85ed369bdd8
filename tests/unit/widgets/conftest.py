"""The widget tests draw figures: draw them off screen whatever the environment says."""
import matplotlib

matplotlib.use("Agg")
