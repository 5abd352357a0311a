using System.Collections.Immutable;
using System.Globalization;
using System.Reflection.Metadata;

namespace DigitForge.Engine.Hashing;

/// <summary>
/// Spells the types of one module's signatures by name ("[Assembly]Namespace.Type/Nested"), never by
/// token, so a hash of them does not move when unrelated types are added; and tells the walk about
/// every type it spells, so whatever a signature names is reached.
/// </summary>
internal sealed class CanonicalNames(CodeReach walk, CodeModule module) : ISignatureTypeProvider<string, object?>, ICustomAttributeTypeProvider<string>
{
    public CodeModule Module => module;

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
    {
        walk.ReachType(module, handle);
        return $"[{module.Name}]{module.TypeName(handle)}";
    }

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        walk.ReachReference(module, handle);
        return Spell(handle);
    }

    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public string GetSZArrayType(string elementType) => elementType + "[]";

    public string GetArrayType(string elementType, ArrayShape shape) =>
        $"{elementType}[{shape.Rank};{string.Join(",", shape.Sizes)};{string.Join(",", shape.LowerBounds)}]";

    public string GetByReferenceType(string elementType) => elementType + "&";

    public string GetPointerType(string elementType) => elementType + "*";

    public string GetPinnedType(string elementType) => elementType + " pinned";

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
        $"{genericType}<{string.Join(",", typeArguments)}>";

    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index.ToString(CultureInfo.InvariantCulture);

    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index.ToString(CultureInfo.InvariantCulture);

    public string GetFunctionPointerType(MethodSignature<string> signature) => $"fnptr {Signature(signature)}";

    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) =>
        $"{unmodifiedType} {(isRequired ? "modreq" : "modopt")}({modifier})";

    public string GetSystemType() => "[System.Runtime]System.Type";

    public bool IsSystemType(string type) => type.EndsWith("]System.Type", StringComparison.Ordinal);

    /// <summary>A type named in an attribute's argument (typeof(X)): reached like any other.</summary>
    public string GetTypeFromSerializedName(string name) => walk.ReachSerializedName(module, name);

    public PrimitiveTypeCode GetUnderlyingEnumType(string type) => walk.EnumUnderlyingType(type);

    public static string Signature(MethodSignature<string> signature) =>
        $"{signature.Header}`{signature.GenericParameterCount} {signature.ReturnType}({string.Join(",", signature.ParameterTypes)})";

    /// <summary>A type reference by name: the assembly it resolves in, then the namespace and name (nested after '/').</summary>
    public string Spell(TypeReferenceHandle handle)
    {
        var reader = module.Reader;
        var reference = reader.GetTypeReference(handle);
        var name = reader.GetString(reference.Name);
        var @namespace = reader.GetString(reference.Namespace);
        var scope = reference.ResolutionScope;
        var own = @namespace.Length == 0 ? name : $"{@namespace}.{name}";
        return scope.Kind switch
        {
            HandleKind.TypeReference => $"{Spell((TypeReferenceHandle)scope)}/{name}",
            HandleKind.AssemblyReference => $"[{reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name)}]{own}",
            _ => $"[{module.Name}]{own}",
        };
    }
}
