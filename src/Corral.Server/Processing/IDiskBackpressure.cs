namespace Corral.Server.Processing;

/// <summary>
/// A core whose writes wait for a disk that can fall behind (<see cref="Storage.DurableCore"/>).
/// While <see cref="DiskBehind"/> is true the loop holds every new request back (in its
/// connection's held queue, which keeps counting against that connection's read limits, so the
/// readers park and stop reading), and resumes them once the core calls back.
/// </summary>
public interface IDiskBackpressure
{
    /// <summary>Loop only: true while more log bytes wait for fsync than the limit allows.</summary>
    bool DiskBehind { get; }

    /// <summary>
    /// Loop only: runs <paramref name="resume"/> on the loop once <see cref="DiskBehind"/> is false
    /// again (checked after each fsync). One registration at a time; a new one replaces the old.
    /// </summary>
    void ResumeWhenDiskCaughtUp(Action resume);
}
