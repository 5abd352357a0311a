using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Engine.Hashing;

/// <summary>
/// SHA-256 of what decides a managed assembly's behaviour: its metadata (types, members, signatures,
/// attributes, strings, referenced assemblies) with the MVID zeroed, every method body (IL, locals,
/// exception regions), the data behind RVA fields (array initialisers), managed resources, the entry
/// point and the CLI flags. Left out: the debug directory (PDB id and checksum, the deterministic
/// entry), the PE timestamp and checksum, and the MVID, all of which a comment-only edit changes
/// through the PDB. A comment edit that shifts lines changes nothing here in Release IL; what a
/// line number reaches as a constant (<c>[CallerLineNumber]</c>) is a real change and is hashed.
/// </summary>
public static class AssemblyCodeHash
{
    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage);
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
        {
            throw new InvalidDataException($"{path} is not a .NET assembly");
        }

        var metadata = pe.GetMetadataReader();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Part(hash, "machine", BitConverter.GetBytes((ushort)pe.PEHeaders.CoffHeader.Machine));
        Part(hash, "cor", [.. BitConverter.GetBytes((uint)cor.Flags), .. BitConverter.GetBytes(cor.EntryPointTokenOrRelativeVirtualAddress)]);
        Part(hash, "metadata", NeutralMetadata(pe, metadata));
        foreach (var handle in metadata.MethodDefinitions)
        {
            var rva = metadata.GetMethodDefinition(handle).RelativeVirtualAddress;
            Part(hash, "body", rva == 0 ? [] : Bytes(pe, rva, pe.GetMethodBody(rva).Size));
        }

        foreach (var handle in metadata.FieldDefinitions)
        {
            var field = metadata.GetFieldDefinition(handle);
            if (field.GetRelativeVirtualAddress() is var rva and not 0)
            {
                Part(hash, "field data", FieldDataSize(metadata, field) is { } size
                    ? Bytes(pe, rva, size)
                    : BitConverter.GetBytes(rva));
            }
        }

        Part(hash, "resources", Resources(pe));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The metadata block with the MVID and the RVA columns (method bodies, field data) zeroed: the
    /// MVID is derived from the whole file including the debug directory, and an RVA is only where
    /// the bytes sit; the bytes themselves are hashed separately.
    /// </summary>
    private static byte[] NeutralMetadata(PEReader pe, MetadataReader metadata)
    {
        var block = pe.GetMetadata().GetContent().ToArray();
        var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid).ToByteArray();
        var guids = metadata.GetHeapMetadataOffset(HeapIndex.Guid);
        for (var offset = guids; offset + 16 <= guids + metadata.GetHeapSize(HeapIndex.Guid); offset += 16)
        {
            if (block.AsSpan(offset, 16).SequenceEqual(mvid))
            {
                block.AsSpan(offset, 16).Clear();
            }
        }

        // Both tables have the RVA as their first column, 4 bytes wide.
        foreach (var table in new[] { TableIndex.MethodDef, TableIndex.FieldRva })
        {
            var start = metadata.GetTableMetadataOffset(table);
            var rowSize = metadata.GetTableRowSize(table);
            for (var row = 0; row < metadata.GetTableRowCount(table); row++)
            {
                block.AsSpan(start + (row * rowSize), 4).Clear();
            }
        }

        return block;
    }

    /// <summary>The managed resources' bytes, as they sit in the image.</summary>
    internal static byte[] Resources(PEReader pe)
    {
        var resources = pe.PEHeaders.CorHeader!.ResourcesDirectory;
        return resources.Size == 0 ? [] : Bytes(pe, resources.RelativeVirtualAddress, resources.Size);
    }

    /// <summary>The size of an RVA field's data from its type: a primitive, or a value type of this
    /// module with an explicit size (what compilers emit for array initialisers); null otherwise.</summary>
    internal static int? FieldDataSize(MetadataReader metadata, FieldDefinition field)
    {
        var signature = metadata.GetBlobReader(field.Signature);
        signature.ReadSignatureHeader();
        var code = signature.ReadSignatureTypeCode();
        while (code is SignatureTypeCode.RequiredModifier or SignatureTypeCode.OptionalModifier)
        {
            signature.ReadTypeHandle();
            code = signature.ReadSignatureTypeCode();
        }

        return code switch
        {
            SignatureTypeCode.Boolean or SignatureTypeCode.SByte or SignatureTypeCode.Byte => 1,
            SignatureTypeCode.Char or SignatureTypeCode.Int16 or SignatureTypeCode.UInt16 => 2,
            SignatureTypeCode.Int32 or SignatureTypeCode.UInt32 or SignatureTypeCode.Single => 4,
            SignatureTypeCode.Int64 or SignatureTypeCode.UInt64 or SignatureTypeCode.Double => 8,
            SignatureTypeCode.TypeHandle when signature.ReadTypeHandle() is { Kind: HandleKind.TypeDefinition } type
                && metadata.GetTypeDefinition((TypeDefinitionHandle)type).GetLayout() is { Size: > 0 } layout => layout.Size,
            _ => null,
        };
    }

    private static byte[] Bytes(PEReader pe, int rva, int size) => pe.GetSectionData(rva).GetContent(0, size).ToArray();

    /// <summary>Each part is labelled and length-prefixed, so bytes cannot move from one part to the next unnoticed.</summary>
    private static void Part(IncrementalHash hash, string label, ReadOnlySpan<byte> bytes)
    {
        hash.AppendData(Encoding.ASCII.GetBytes(label));
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
