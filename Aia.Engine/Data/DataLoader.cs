using Aia.Engine.Runtime;

namespace Aia.Engine.Data;

/// <summary>
/// Serves a <see cref="FrameDataset"/> in mini-batches [T, N, 2, H, W], prepared on worker threads (up to
/// <c>prefetch</c> batches ahead) while the caller trains on the previous one. Deterministic: the order of epoch e
/// is a Fisher-Yates shuffle from a generator seeded by (seed, e), and each sample's augmentation draws from a
/// generator seeded by (seed, e, position), so batch b of epoch e is the same whichever thread builds it, and a
/// run resumed at (epoch, batch) sees exactly the batches an uninterrupted run would.
/// </summary>
public sealed class DataLoader
{
    private readonly FrameDataset data;
    private readonly Batch[] ring;
    private readonly int prefetch;
    private readonly int[] shape;

    /// <summary>A loader over <paramref name="data"/>.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="seed">Seed of the shuffling and the augmentation.</param>
    /// <param name="shuffle">Shuffle every epoch (training) or keep the dataset order (evaluation).</param>
    /// <param name="augment">Augmentation (null = none).</param>
    /// <param name="dropLast">Drop the last short batch of an epoch.</param>
    /// <param name="prefetch">Batches prepared ahead on worker threads (at least 1).</param>
    public DataLoader(FrameDataset data, int batchSize, ulong seed, bool shuffle = true, AugmentOptions? augment = null,
        bool dropLast = false, int prefetch = 2)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, not {batchSize}.");
        if (data.Count == 0) throw new ArgumentException("The dataset is empty.");
        if (prefetch < 1) throw new ArgumentException($"prefetch must be at least 1, not {prefetch}.");
        this.data = data;
        this.prefetch = prefetch;
        shape = data.FrameShape;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        Augmentation = augment ?? AugmentOptions.None;
        DropLast = dropLast;
        ring = Enumerable.Range(0, prefetch + 1).Select(_ => new Batch(batchSize, shape)).ToArray();
    }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of shuffling and augmentation.</summary>
    public ulong Seed { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The augmentation applied to every sample.</summary>
    public AugmentOptions Augmentation { get; }

    /// <summary>Whether the last short batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? data.Count / BatchSize : (data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of epoch <paramref name="epoch"/>.</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        if (Shuffle) new Rng(Seeds.Derive(Seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> from batch <paramref name="startBatch"/> on (resume), in order.
    /// Leaving the enumeration early waits for the batches still being prepared.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        int batches = BatchesPerEpoch;
        if (startBatch < 0 || startBatch > batches)
            throw new ArgumentOutOfRangeException(nameof(startBatch), $"Batch {startBatch} of an epoch of {batches}.");
        return Run(epoch, startBatch, batches);
    }

    private IEnumerable<Batch> Run(int epoch, int startBatch, int batches)
    {
        var order = Order(epoch);
        var pending = new Queue<Task<Batch>>();
        int next = startBatch;
        try
        {
            while (next < batches && pending.Count < prefetch) pending.Enqueue(Start(epoch, next++, order));
            while (pending.Count > 0)
            {
                // ring has prefetch + 1 slots: the one started here reuses the slot of the batch the caller just released
                if (next < batches) pending.Enqueue(Start(epoch, next++, order));
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            foreach (var task in pending)
            {
                try { task.Wait(); }
                catch (AggregateException) { }
            }
        }
    }

    private Task<Batch> Start(int epoch, int index, int[] order)
    {
        var batch = ring[index % ring.Length];
        return Task.Run(() => Fill(batch, epoch, index, order));
    }

    /// <summary>Builds batch <paramref name="index"/> of <paramref name="epoch"/> into <paramref name="batch"/>.</summary>
    private Batch Fill(Batch batch, int epoch, int index, int[] order)
    {
        int first = index * BatchSize, count = Math.Min(BatchSize, order.Length - first);
        int planes = shape[0], plane = shape[1] * shape[2] * shape[3], sample = planes * plane;
        var scratch = new float[sample];
        batch.Count = count;
        batch.Epoch = epoch;
        batch.Index = index;
        for (int n = 0; n < count; n++)
        {
            int position = first + n, item = order[position];
            data.CopyFrames(item, scratch);
            batch.Labels[n] = data.Label(item);
            if (Augmentation.Enabled)
                Augment.Apply(scratch, planes * shape[1], shape[2], shape[3], Augmentation, new Rng(Seeds.Derive(Seed, epoch, position + 1)));
            for (int t = 0; t < planes; t++)
                scratch.AsSpan(t * plane, plane).CopyTo(batch.Buffer.AsSpan((t * count + n) * plane, plane));
        }
        batch.MixWeight = 1f;
        if (Augmentation.CutMixProbability > 0 && count > 1)
            CutMix(batch, new Rng(Seeds.Derive(Seed, epoch, -1L - index)));
        return batch;
    }

    /// <summary>
    /// CutMix as NDA applies it to event frames (Li et al. 2022, after Yun et al. 2019): with the configured
    /// probability, lambda ~ U(0, 1), a box of sides H sqrt(1 - lambda), W sqrt(1 - lambda) at a uniform centre
    /// (clipped to the frame) is copied, in every frame and polarity, into sample n from sample (n - shift) mod N
    /// of the same batch (shift uniform in 1..N-1); lambda becomes 1 - the clipped box's area fraction.
    /// </summary>
    private void CutMix(Batch batch, Rng rng)
    {
        bool mix = rng.NextDouble() < Augmentation.CutMixProbability;
        double lambda = rng.NextDouble();
        int shift = 1 + rng.NextInt(batch.Count - 1);
        int height = shape[2], width = shape[3];
        double side = Math.Sqrt(1 - lambda);
        int cutH = (int)(height * side), cutW = (int)(width * side);
        int cy = rng.NextInt(height), cx = rng.NextInt(width);
        int top = Math.Clamp(cy - cutH / 2, 0, height), bottom = Math.Clamp(cy + cutH / 2, 0, height);
        int left = Math.Clamp(cx - cutW / 2, 0, width), right = Math.Clamp(cx + cutW / 2, 0, width);
        if (!mix || bottom <= top || right <= left) return;
        int count = batch.Count, channels = shape[1], image = channels * height * width;
        var original = batch.Buffer.AsSpan(0, batch.Length).ToArray();
        for (int t = 0; t < shape[0]; t++)
        {
            for (int n = 0; n < count; n++)
            {
                int source = (n - shift + count) % count;
                int to = (t * count + n) * image, from = (t * count + source) * image;
                for (int c = 0; c < channels; c++)
                    for (int y = top; y < bottom; y++)
                    {
                        int row = c * height * width + y * width;
                        original.AsSpan(from + row + left, right - left).CopyTo(batch.Buffer.AsSpan(to + row + left, right - left));
                    }
            }
        }
        for (int n = 0; n < count; n++)
            batch.MixLabels[n] = batch.Labels[(n - shift + count) % count];
        batch.MixWeight = (float)(1 - (double)(bottom - top) * (right - left) / (height * width));
    }
}
