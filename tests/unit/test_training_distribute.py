"""tf.distribute: GAN.fit under MirroredStrategy on 2 logical CPU devices.

Logical devices must be configured before TensorFlow starts, so this runs in a
subprocess. The same code path serves several GPUs (and, by design, TPUStrategy)."""
import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json, sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras, numpy as np
    import gan_helpers as gh

    seen = []

    class Recording(gh.GAN):  # records each replica's batch and noise (eagerly, via py_function)
        def sample_latent(self, n):
            z = super().sample_latent(n)
            tf.py_function(lambda t: seen.append(t.numpy()), [z], [])
            return z

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        gh.set_seed(0)
        g = gh.dense_generator(latent_dim=4, widths=(16,), output_shape=2, output_activation=None)
        d = gh.dense_discriminator(input_shape=2, widths=(16,))
        gan = Recording(g, d, seed=0)
        gan.compile(d_optimizer=keras.optimizers.Adam(1e-3),
                    g_optimizer=keras.optimizers.Adam(1e-3), jit_compile=False)
    x = np.random.default_rng(0).normal(size=(128, 2)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(32, drop_remainder=True)  # global batch 32
    hist = gan.fit(ds, epochs=2, verbose=0).history
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "losses": hist["d_loss"] + hist["g_loss"],
        "g_steps": int(gan.g_optimizer.iterations.numpy()),
        "d_steps": int(gan.d_optimizer.iterations.numpy()),
        "noise_batches": [list(z.shape) for z in seen[:2]],
        "replicas_differ": bool(len(seen) >= 2 and not np.allclose(seen[0], seen[1])),
    }))
""")


def test_fit_under_mirrored_strategy_on_two_logical_cpus():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2
    assert all(abs(v) < 1e6 for v in result["losses"]) and len(result["losses"]) == 4
    assert result["g_steps"] == result["d_steps"] == 2 * (128 // 32)  # one update per global batch
    assert result["noise_batches"] == [[16, 4], [16, 4]]  # each replica: half the global batch
    assert result["replicas_differ"], "replicas must draw different noise"
