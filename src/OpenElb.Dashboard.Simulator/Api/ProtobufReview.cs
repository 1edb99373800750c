using System.Text;
using System.Text.Json.Nodes;
using OpenElb.Dashboard.Simulator.Store;

namespace OpenElb.Dashboard.Simulator.Api;

/// <summary>
/// Decodes the one protobuf body the simulator accepts: a <c>SelfSubjectAccessReview</c>, which kubectl's typed client
/// always sends as <c>application/vnd.kubernetes.protobuf</c> (<c>kubectl auth can-i</c>). The answer goes back as JSON,
/// which kubectl accepts (its Accept header lists it). Only the fields the review needs are read; others are skipped.
/// </summary>
internal static class ProtobufReview
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    // The Kubernetes protobuf envelope: "k8s\0", then a runtime.Unknown whose field 2 holds the object's bytes.
    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    private static readonly string[] s_resourceAttributeNames =
        ["", "namespace", "verb", "group", "version", "resource", "subresource", "name"];

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw ApiException.BadRequest("a protobuf body must start with the k8s envelope");
        }
        try
        {
            var raw = Field(body[Magic.Length..], 2);
            var spec = Field(raw, 2);
            var review = new JsonObject { ["apiVersion"] = $"{AccessReviews.Group}/{AccessReviews.Version}", ["kind"] = AccessReviews.Kind };
            var specJson = new JsonObject();
            review["spec"] = specJson;
            foreach (var (number, value) in Fields(spec))
            {
                if (number == 1)
                {
                    var attributes = new JsonObject();
                    foreach (var (attribute, text) in Fields(value))
                    {
                        if (attribute < s_resourceAttributeNames.Length && attribute > 0)
                        {
                            attributes[s_resourceAttributeNames[attribute]] = Encoding.UTF8.GetString(text);
                        }
                    }
                    specJson["resourceAttributes"] = attributes;
                }
                else if (number == 2)
                {
                    specJson["nonResourceAttributes"] = new JsonObject();
                }
            }
            return review;
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"the protobuf body is malformed: {e.Message}");
        }
    }

    private static byte[] Field(ReadOnlySpan<byte> message, int wanted)
    {
        foreach (var (number, value) in Fields(message))
        {
            if (number == wanted)
            {
                return value;
            }
        }
        return [];
    }

    // The length-delimited fields of a message (wire type 2), as copies; varint and fixed fields are skipped.
    private static List<(int Number, byte[] Value)> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<(int, byte[])>();
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    Varint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    if (length < 0 || position + length > message.Length)
                    {
                        throw new FormatException("a field runs past the end of its message");
                    }
                    fields.Add((number, message.Slice(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"unsupported wire type {key & 7}");
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= message.Length)
            {
                throw new FormatException("a varint runs past the end of its message");
            }
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new FormatException("a varint is too long");
    }
}
