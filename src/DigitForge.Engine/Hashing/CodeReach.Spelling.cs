using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Engine.Hashing;

/// <summary>How types, methods, attributes and constants are spelled in a hash.</summary>
public sealed partial class CodeReach
{
    private CanonicalNames Names(CodeModule module)
    {
        if (!names.TryGetValue(module, out var spell))
        {
            names[module] = spell = new CanonicalNames(this, module);
        }

        return spell;
    }

    private static string TypeOf(CanonicalNames spell, EntityHandle handle)
    {
        var reader = spell.Module.Reader;
        return handle.Kind switch
        {
            HandleKind.TypeDefinition => spell.GetTypeFromDefinition(reader, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeReference => spell.GetTypeFromReference(reader, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeSpecification => spell.GetTypeFromSpecification(reader, null, (TypeSpecificationHandle)handle, 0),
            _ => throw new BadImageFormatException($"unexpected type token {handle.Kind} in {spell.Module.Path}"),
        };
    }

    private string MethodName(CodeModule module, MethodDefinitionHandle handle)
    {
        var method = module.Reader.GetMethodDefinition(handle);
        return $"[{module.Name}]{module.TypeName(method.GetDeclaringType())}::{module.Reader.GetString(method.Name)} {Signature(method.DecodeSignature(Names(module), null))}";
    }

    private static string Signature(MethodSignature<string> signature) => CanonicalNames.Signature(signature);

    private void Attributes(CanonicalNames spell, EntityText text, CustomAttributeHandleCollection attributes)
    {
        var reader = spell.Module.Reader;
        foreach (var handle in attributes)
        {
            var attribute = reader.GetCustomAttribute(handle);
            text.Add("attribute", MethodToken(spell, attribute.Constructor), Convert.ToHexString(reader.GetBlobBytes(attribute.Value)));
            try
            {
                // Decoding reaches the types its typeof() arguments name.
                attribute.DecodeValue(spell);
            }
            catch (BadImageFormatException)
            {
                // An argument of a framework enum that is not int-sized: its bytes are hashed above all the same.
            }
        }
    }

    private void GenericParameters(CanonicalNames spell, EntityText text, GenericParameterHandleCollection parameters)
    {
        var reader = spell.Module.Reader;
        foreach (var handle in parameters)
        {
            var parameter = reader.GetGenericParameter(handle);
            text.Add("generic", parameter.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)parameter.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var constraint in parameter.GetConstraints())
            {
                text.Add("constraint", TypeOf(spell, reader.GetGenericParameterConstraint(constraint).Type));
            }

            Attributes(spell, text, parameter.GetCustomAttributes());
        }
    }

    private static string Constant(MetadataReader reader, ConstantHandle handle)
    {
        if (handle.IsNil)
        {
            return "-";
        }

        var constant = reader.GetConstant(handle);
        return $"{constant.TypeCode}:{Convert.ToHexString(reader.GetBlobBytes(constant.Value))}";
    }

    private static (OperandType?[] One, OperandType?[] Two) OperandTable()
    {
        var one = new OperandType?[256];
        var two = new OperandType?[256];
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (code.Size == 1)
            {
                one[value] = code.OperandType;
            }
            else
            {
                two[value & 0xFF] = code.OperandType;
            }
        }

        return (one, two);
    }

    /// <param name="Key">Sorts the entities of an assembly for its hash: kind and spelled name.</param>
    private sealed record Entry(string Key, string Name, byte[] Hash);

    private sealed record Memo(Entry Entry, List<Action<CodeReach>> Effects);

    /// <summary>An entity's parts, each length-prefixed so no part can run into the next.</summary>
    private sealed class EntityText
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Add(params string[] parts)
        {
            foreach (var part in parts)
            {
                var bytes = Encoding.UTF8.GetBytes(part);
                hash.AppendData(BitConverter.GetBytes(bytes.Length));
                hash.AppendData(bytes);
            }
        }

        public byte[] Hash()
        {
            var result = hash.GetHashAndReset();
            hash.Dispose();
            return result;
        }
    }
}
