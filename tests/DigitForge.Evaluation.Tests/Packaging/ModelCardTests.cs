using DigitForge.Evaluation.Packaging;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Tests.Packaging;

[Trait("Category", "Unit")]
public sealed class ModelCardTests
{
    [Fact]
    public void Flatten_lists_set_leaves_as_dotted_keys_in_order()
    {
        var config = JObject.Parse("""{"data":{"path":"a.gz","url":null},"model":{"channels":[32,64]},"train":{"epochs":3,"augmentation":{"enabled":true}}}""");

        ModelCard.Flatten(config).Should().Equal(
            ("data.path", "a.gz"),
            ("model.channels", "[32, 64]"),
            ("train.epochs", "3"),
            ("train.augmentation.enabled", "true"));
    }
}
