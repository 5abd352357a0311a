using System.Runtime.InteropServices;
using System.Text;

namespace DigitForge.Scoring.Images;

/// <summary>
/// Reads a batch of small files with one system call, through Linux's io_uring: for each file a linked
/// open, read and close on a direct descriptor (one that never enters the process's descriptor table),
/// all submitted and waited for together. For a digit-sized file, reading is mostly the cost of entering
/// and leaving the kernel three times; this took it from about 7 to 3 µs of CPU per file (docs/int8.md).
/// </summary>
/// <remarks>
/// A file is only ever taken from here when it was read whole into its slot. Anything else (a missing or
/// unreadable file, a directory, a file that fills the slot) is reported as not read, and the caller
/// reads it the usual way (<see cref="FileBuffer"/>), so error messages do not change. Where io_uring is
/// missing or refused (another OS, an old kernel, a container that forbids it), <see cref="TryCreate"/>
/// gives null. One instance per thread.
/// </remarks>
internal sealed unsafe class IoUringFileReader : IDisposable
{
    /// <summary>Files per submission.</summary>
    public const int Slots = 64;

    private const int SlotBytes = 64 << 10;
    private const int Entries = 4 * Slots; // three per file, rounded up to the power of two the kernel wants

    private const byte OpOpenAt = 18;
    private const byte OpClose = 19;
    private const byte OpRead = 22;
    private const byte FixedFile = 1 << 0;
    private const byte Link = 1 << 2;
    private const byte HardLink = 1 << 3; // the close runs even when the read comes back short or failed
    private const int AtCurrentDirectory = -100;
    private const uint EnterGetEvents = 1;
    private const int RegisterFiles = 2;
    private const int Interrupted = 4; // EINTR

    private readonly int ring;
    private readonly nint sqRing;
    private readonly nuint sqRingBytes;
    private readonly nint cqRing;
    private readonly nuint cqRingBytes;
    private readonly Sqe* sqes;
    private readonly nuint sqeBytes;
    private readonly uint* sqTail;
    private readonly uint sqMask;
    private readonly uint* sqArray;
    private readonly uint* cqHead;
    private readonly uint* cqTail;
    private readonly uint cqMask;
    private readonly Cqe* cqes;
    private readonly byte[][] slots = new byte[Slots][];
    private readonly int[] lengths = new int[Slots];
    private readonly int[] pathOffsets = new int[Slots];
    private byte* paths;
    private int pathCapacity;
    private int pathBytes;
    private bool broken;
    private bool disposed;

    private IoUringFileReader(int ring, in Params p)
    {
        this.ring = ring;
        sqRingBytes = p.Sq.Array + (p.SqEntries * sizeof(uint));
        cqRingBytes = p.Cq.Cqes + (p.CqEntries * (uint)sizeof(Cqe));
        sqeBytes = p.SqEntries * (uint)sizeof(Sqe);
        sqRing = Map(sqRingBytes, 0);
        cqRing = Map(cqRingBytes, 0x8000000);
        sqes = (Sqe*)Map(sqeBytes, 0x10000000);
        sqTail = (uint*)(sqRing + (nint)p.Sq.Tail);
        sqMask = *(uint*)(sqRing + (nint)p.Sq.RingMask);
        sqArray = (uint*)(sqRing + (nint)p.Sq.Array);
        cqHead = (uint*)(cqRing + (nint)p.Cq.Head);
        cqTail = (uint*)(cqRing + (nint)p.Cq.Tail);
        cqMask = *(uint*)(cqRing + (nint)p.Cq.RingMask);
        cqes = (Cqe*)(cqRing + (nint)p.Cq.Cqes);
        for (var i = 0; i < Slots; i++)
        {
            // Pinned: the kernel writes into them.
            slots[i] = GC.AllocateUninitializedArray<byte>(SlotBytes, pinned: true);
        }

        pathCapacity = 16 << 10;
        paths = (byte*)NativeMemory.Alloc((nuint)pathCapacity);
    }

    /// <summary>Files added since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>A reader, or null where io_uring cannot be used here.</summary>
    public static IoUringFileReader? TryCreate()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return null;
        }

        int ring;
        Params p = default;
        try
        {
            ring = (int)Libc.Syscall(SystemCall.IoUringSetup, Entries, (nint)(&p), 0, 0, 0, 0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (ring < 0)
        {
            return null;
        }

        IoUringFileReader? reader = null;
        try
        {
            reader = new IoUringFileReader(ring, p);

            // A table of empty descriptor slots, one per file of a submission.
            var empty = stackalloc int[Slots];
            new Span<int>(empty, Slots).Fill(-1);
            if (Libc.Syscall(SystemCall.IoUringRegister, ring, RegisterFiles, (nint)empty, Slots, 0, 0) < 0)
            {
                reader.Dispose();
                return null;
            }

            return reader;
        }
        catch (IOException)
        {
            reader?.Dispose();
            if (reader is null)
            {
                _ = Libc.Close(ring);
            }

            return null;
        }
    }

    /// <summary>Forgets the files added.</summary>
    public void Clear()
    {
        Count = 0;
        pathBytes = 0;
    }

    /// <summary>Adds a file to read (at most <see cref="Slots"/> between clears).</summary>
    public void Add(string path)
    {
        if (Count == Slots)
        {
            throw new InvalidOperationException($"at most {Slots} files per read");
        }

        var needed = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        if (pathBytes + needed > pathCapacity)
        {
            pathCapacity = Math.Max(2 * pathCapacity, pathBytes + needed);
            paths = (byte*)NativeMemory.Realloc(paths, (nuint)pathCapacity);
        }

        var written = Encoding.UTF8.GetBytes(path, new Span<byte>(paths + pathBytes, pathCapacity - pathBytes));
        paths[pathBytes + written] = 0;
        pathOffsets[Count++] = pathBytes;
        pathBytes += written + 1;
    }

    /// <summary>
    /// Reads every file added. Afterwards <see cref="TryGet"/> gives each one read whole that is at most
    /// <paramref name="maxBytes"/> long; the others are for the caller to read.
    /// </summary>
    public void ReadAll(long maxBytes)
    {
        lengths.AsSpan(0, Count).Fill(-1);
        if (broken || Count == 0)
        {
            return;
        }

        var limit = maxBytes < SlotBytes ? (uint)maxBytes + 1 : SlotBytes;
        var tail = *sqTail;
        for (var i = 0; i < Count; i++)
        {
            // The paths' buffer may have moved while they were added, so their addresses are taken now.
            fixed (byte* slot = slots[i])
            {
                Push(ref tail, new Sqe { Opcode = OpOpenAt, Flags = Link, Fd = AtCurrentDirectory, Address = (ulong)(paths + pathOffsets[i]), FileIndex = (uint)i + 1, UserData = Tag(i, OpOpenAt) });
                Push(ref tail, new Sqe { Opcode = OpRead, Flags = FixedFile | HardLink, Fd = i, Address = (ulong)slot, Length = limit, UserData = Tag(i, OpRead) });
                Push(ref tail, new Sqe { Opcode = OpClose, FileIndex = (uint)i + 1, UserData = Tag(i, OpClose) });
            }
        }

        Volatile.Write(ref *sqTail, tail);
        var expected = 3 * Count;
        var submit = expected;
        var seen = 0;
        while (seen < expected)
        {
            var entered = Libc.Syscall(SystemCall.IoUringEnter, ring, submit, expected - seen, (nint)EnterGetEvents, 0, 0);
            if (entered < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                // Not expected once the ring works; the caller reads these files itself, and every later batch too.
                broken = true;
                lengths.AsSpan(0, Count).Fill(-1);
                return;
            }

            submit -= (int)Math.Min(entered, submit);
            seen += Reap(limit);
        }
    }

    /// <summary>The bytes of file <paramref name="index"/> when it was read whole; false when the caller must read it.</summary>
    public bool TryGet(int index, out byte[] data, out int length)
    {
        data = slots[index];
        length = lengths[index];
        return length >= 0;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        NativeMemory.Free(paths);

        // Closing the ring ends anything still in flight (only after a failure) and frees its descriptors.
        Unmap((nint)sqes, sqeBytes);
        Unmap(cqRing, cqRingBytes);
        Unmap(sqRing, sqRingBytes);
        _ = Libc.Close(ring);
    }

    private static ulong Tag(int index, byte op) => ((ulong)index << 8) | op;

    private int Reap(uint limit)
    {
        var head = *cqHead;
        var end = Volatile.Read(ref *cqTail);
        var count = (int)(end - head);
        for (; head != end; head++)
        {
            var cqe = cqes[head & cqMask];
            var index = (int)(cqe.UserData >> 8);
            var op = (byte)cqe.UserData;
            if (op == OpRead)
            {
                // Shorter than the limit is the whole file. A failed open cancels the read linked to it
                // (ECANCELED, negative), so the read's result alone decides.
                lengths[index] = cqe.Result >= 0 && cqe.Result < limit ? cqe.Result : -1;
            }
        }

        Volatile.Write(ref *cqHead, head);
        return count;
    }

    private void Push(ref uint tail, in Sqe sqe)
    {
        var index = tail & sqMask;
        sqes[index] = sqe;
        sqArray[index] = index;
        tail++;
    }

    private nint Map(nuint bytes, long offset)
    {
        var address = Libc.Map(0, bytes, 3 /* PROT_READ | PROT_WRITE */, 0x8001 /* MAP_SHARED | MAP_POPULATE */, ring, offset);
        return address == -1 ? throw new IOException("cannot map the io_uring rings") : address;
    }

    private static void Unmap(nint address, nuint bytes)
    {
        if (address is not 0 and not -1)
        {
            _ = Libc.Unmap(address, bytes);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SqOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Reserved;
        public ulong UserAddress;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CqOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Reserved;
        public ulong UserAddress;
    }

    /// <summary>struct io_uring_params.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Params
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
        public fixed uint Reserved[3];
        public SqOffsets Sq;
        public CqOffsets Cq;
    }

    /// <summary>struct io_uring_sqe, the fields used here.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Sqe
    {
        [FieldOffset(0)] public byte Opcode;
        [FieldOffset(1)] public byte Flags;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(8)] public ulong Offset;
        [FieldOffset(16)] public ulong Address;
        [FieldOffset(24)] public uint Length;
        [FieldOffset(28)] public uint OpFlags;
        [FieldOffset(32)] public ulong UserData;
        [FieldOffset(44)] public uint FileIndex;
    }

    /// <summary>struct io_uring_cqe.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Cqe
    {
        public ulong UserData;
        public int Result;
        public uint Flags;
    }

    /// <summary>io_uring's system call numbers: the same on x86-64 and arm64 (calls added after 4.x share one table).</summary>
    private static class SystemCall
    {
        public const long IoUringSetup = 425;
        public const long IoUringEnter = 426;
        public const long IoUringRegister = 427;
    }
}
