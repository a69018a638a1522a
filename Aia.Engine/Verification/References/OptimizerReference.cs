namespace Aia.Engine.Verification.References;

/// <summary>PyTorch's single-tensor update rules (torch/optim/adam.py, adamw.py, sgd.py) in plain double loops.</summary>
public static class OptimizerReference
{
    /// <summary>One Adam (L2 decay) or AdamW (<paramref name="decoupled"/>) step at step count t (1-based).</summary>
    public static void Adam(double[] p, double[] grad, double[] m, double[] v, long t, double lr, double beta1, double beta2,
        double eps, double weightDecay, bool decoupled)
    {
        double bc1 = 1 - Math.Pow(beta1, t), bc2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i];
            if (decoupled)
                p[i] *= 1 - lr * weightDecay;
            else
                g += weightDecay * p[i];
            m[i] += (g - m[i]) * (1 - beta1);
            v[i] = v[i] * beta2 + (1 - beta2) * g * g;
            p[i] -= lr / bc1 * m[i] / (Math.Sqrt(v[i]) / bc2Sqrt + eps);
        }
    }

    /// <summary>One SGD step at step count t (1-based): L2 decay, momentum buffer (started as the gradient), dampening, Nesterov.</summary>
    public static void Sgd(double[] p, double[] grad, double[] buffer, long t, double lr, double momentum, double dampening,
        double weightDecay, bool nesterov)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i] + weightDecay * p[i];
            if (momentum != 0)
            {
                buffer[i] = t == 1 ? g : momentum * buffer[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * buffer[i] : buffer[i];
            }
            p[i] -= lr * g;
        }
    }

    /// <summary>The global L2 norm of several arrays and the clipping factor min(1, maxNorm / (norm + 1e-6)).</summary>
    public static (double Norm, double Scale) ClipByGlobalNorm(IEnumerable<double[]> gradients, double maxNorm)
    {
        double s = 0;
        foreach (var g in gradients)
        {
            foreach (var v in g) s += v * v;
        }
        double norm = Math.Sqrt(s);
        return (norm, Math.Min(1, maxNorm / (norm + 1e-6)));
    }
}
