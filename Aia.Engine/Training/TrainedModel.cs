using Aia.Engine.Models;
using Aia.Engine.Runtime;

namespace Aia.Engine.Training;

/// <summary>Rebuilds the network a checkpoint was written from, with its weights (for eval, export and compare).</summary>
public static class TrainedModel
{
    /// <summary>Loads <paramref name="checkpoint"/> onto <paramref name="device"/>, in evaluation mode.</summary>
    public static (SpikingNetwork Model, TrainingState State) Load(Device device, string checkpoint)
    {
        var (tensors, state) = Checkpoint.Load(checkpoint);
        var c = state.Config;
        if (state.InputShape.Length != 3 || state.ClassNames.Length == 0)
            throw new IO.CheckpointException(checkpoint, null, "the checkpoint does not record the input shape and classes");
        var model = SpikingNetwork.Create(device, ModelSpec.Parse(c.Model), NeuronKinds.Parse(c.Neuron), Trainer.NeuronOptionsOf(c),
            state.InputShape[0], state.InputShape[1], state.InputShape[2], state.ClassNames.Length, c.Seed);
        Checkpoint.Restore(checkpoint, tensors, model.StateDict());
        model.Eval();
        return (model, state);
    }
}
