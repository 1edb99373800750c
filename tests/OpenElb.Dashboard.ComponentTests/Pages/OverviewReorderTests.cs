using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.Logging.Abstractions;
using OpenElb.Dashboard.ComponentTests.Shared;
using OpenElb.Dashboard.Components.Pages;
using OpenElb.Dashboard.Core.Cluster;

#pragma warning disable BL0006 // RenderTree types: the test reads the render batches a browser would receive.

namespace OpenElb.Dashboard.ComponentTests.Pages;

/// <summary>
/// What the overview sends when cards change places (issue 9): the cards are keyed, so a reorder moves them and only a
/// card whose HTML changed is sent again. Unkeyed, every card behind the first moved one went out again, ~1 MB per
/// batch at 5,000 nodes, which filled the server's buffer pool during the soak. Read from a renderer's real batches.
/// </summary>
public sealed class OverviewReorderTests : DashboardTestContext
{
    // leaf-c critical, leaf-b degraded, leaf-a OK: shown c, b, a. With b fixed: c, a, b.
    private static ClusterSnapshot ThreeRouters(long version, bool fixRackB) => OverviewTests.ThreeRouters(version, fixRackB);

    [Fact]
    public async Task RouterRecovers_CardMovesBack_OnlyItsOwnMarkupIsSentAgain()
    {
        Publish(ThreeRouters(1, fixRackB: false));
        using var renderer = new RecordingRenderer(Services);
        await renderer.RenderAsync<Overview>();
        await WaitUntilAsync(() => renderer.CardsSent.Any(static c => c.Contains("data-router=\"leaf-a\"", StringComparison.Ordinal)));
        var first = renderer.CardsSent.ToList();
        Assert.Equal(3, first.Count);
        renderer.CardsSent.Clear();

        Publish(ThreeRouters(2, fixRackB: true));

        await WaitUntilAsync(() => renderer.CardsSent.Count > 0);
        await Task.Delay(200, Xunit.TestContext.Current.CancellationToken); // any further batch of this change
        var sent = Assert.Single(renderer.CardsSent);
        Assert.Contains("data-router=\"leaf-b\"", sent, StringComparison.Ordinal);
        Assert.Contains("data-redundancy=\"ok\"", sent, StringComparison.Ordinal);
        Assert.True(renderer.Moves > 0, "the reorder should be a move of keyed cards");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for a render");
            await Task.Delay(20, Xunit.TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A renderer that keeps, per batch, the card markup it would send and whether keyed items moved.</summary>
    private sealed class RecordingRenderer(IServiceProvider services) : Renderer(services, NullLoggerFactory.Instance)
    {
        private readonly Lock _lock = new();
        private readonly List<string> _cards = [];
        private int _moves;

        public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

        public List<string> CardsSent
        {
            get
            {
                lock (_lock)
                {
                    return _cards;
                }
            }
        }

        public int Moves => Volatile.Read(ref _moves);

        public Task RenderAsync<TComponent>() where TComponent : IComponent => Dispatcher.InvokeAsync(() =>
        {
            var id = AssignRootComponentId(InstantiateComponent(typeof(TComponent)));
            return RenderRootComponentAsync(id);
        });

        protected override void HandleException(Exception exception) => ExceptionDispatchInfo.Capture(exception).Throw();

        protected override Task UpdateDisplayAsync(in RenderBatch renderBatch)
        {
            var frames = renderBatch.ReferenceFrames.Array;
            for (var d = 0; d < renderBatch.UpdatedComponents.Count; d++)
            {
                var diff = renderBatch.UpdatedComponents.Array[d];
                for (var e = 0; e < diff.Edits.Count; e++)
                {
                    var edit = diff.Edits.Array[diff.Edits.Offset + e];
                    if (edit.Type == RenderTreeEditType.PermutationListEntry)
                    {
                        Interlocked.Increment(ref _moves);
                    }
                    if (edit.Type is RenderTreeEditType.PrependFrame or RenderTreeEditType.UpdateMarkup)
                    {
                        Collect(frames, edit.ReferenceFrameIndex);
                    }
                }
            }
            return Task.CompletedTask;
        }

        // The frame and, for an element (a prepended card slot), its descendants.
        private void Collect(RenderTreeFrame[] frames, int index)
        {
            var end = frames[index].FrameType == RenderTreeFrameType.Element ? index + frames[index].ElementSubtreeLength : index + 1;
            for (var i = index; i < end; i++)
            {
                if (frames[i].FrameType == RenderTreeFrameType.Markup && frames[i].MarkupContent.Contains("router-card", StringComparison.Ordinal))
                {
                    lock (_lock)
                    {
                        _cards.Add(frames[i].MarkupContent);
                    }
                }
            }
        }
    }
}
