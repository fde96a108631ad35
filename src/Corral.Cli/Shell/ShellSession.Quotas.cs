using System.Globalization;
using Corral.Client;
using Corral.Core.Quotas;
using Corral.Protocol;

namespace Corral.Cli.Shell;

/// <summary>
/// setquota, listquota and delquota as zkCli 3.8 runs them: quotas are plain nodes under
/// /zookeeper/quota written by the client; the server keeps zookeeper_stats current and, with
/// enforceQuota, refuses writes over a hard limit. Output lines and messages are zkCli's.
/// </summary>
public sealed partial class ShellSession
{
    private const string QuotaOptions = "nbNB";

    private async Task<bool> SetQuotaAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "", QuotaOptions);
        var given = QuotaOptions.Where(a.Has).ToList();
        if (given.Count == 0) throw new ShellException("Missing required option: [-n num soft quota, -b bytes soft quota, -N num hard quota, -B bytes hard quota]");
        if (given.Count > 1) throw new ShellException($"The option '{given[1]}' was specified but an option from this group has already been selected: '{given[0]}'");
        if (a.Positional.Count < 1) throw new ShellException(Usage["setquota"]);
        string path = a.Positional[0];
        if (path.StartsWith(QuotaPaths.QuotaRoot, StringComparison.Ordinal))
        {
            WriteError("cannot set a quota under the path: " + QuotaPaths.QuotaRoot);
            return false;
        }
        var quota = new StatsTrack { Count = -1, Bytes = -1, CountHardLimit = -1, ByteHardLimit = -1 };
        char option = given[0];
        string value = a.Value(option)!;
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long limit)
            || (option is 'n' or 'N' && limit > int.MaxValue))
        {
            WriteError("NumberFormatException happens when parsing the option value");
            return false;
        }
        if (option is 'n' or 'N' ? limit <= 0 : limit < 0)
        {
            WriteError(option is 'n' or 'N' ? "the num quota must be greater than zero" : "the bytes quota must be greater than or equal to zero");
            return false;
        }
        switch (option)
        {
            case 'n': quota.Count = limit; break;
            case 'b': quota.Bytes = limit; break;
            case 'N': quota.CountHardLimit = limit; break;
            default: quota.ByteHardLimit = limit; break;
        }
        await CreateQuotaAsync(path, quota, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>zkCli's SetQuotaCommand.createQuota.</summary>
    private async Task CreateQuotaAsync(string path, StatsTrack quota, CancellationToken ct)
    {
        if (await Client.ExistsAsync(path, ct).ConfigureAwait(false) is null) throw new ShellException($"{path} does not exist.");
        await CheckNoChildQuotaAsync(path, ct).ConfigureAwait(false);
        await CheckNoParentQuotaAsync(path, ct).ConfigureAwait(false);

        string quotaPath = QuotaPaths.QuotaRoot;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            quotaPath += "/" + part;
            await CreateIfMissingAsync(quotaPath, ct).ConfigureAwait(false);
        }
        string limitPath = QuotaPaths.LimitPath(path), statPath = QuotaPaths.StatPath(path);
        if (await Client.ExistsAsync(limitPath, ct).ConfigureAwait(false) is null)
        {
            await Client.CreateAsync(limitPath, quota.ToBytes(), ct: ct).ConfigureAwait(false);
            await Client.CreateAsync(statPath, new StatsTrack { Count = 0, Bytes = 0 }.ToBytes(), ct: ct).ConfigureAwait(false);
            WarnIfBelowUsage(await ReadTrackAsync(limitPath, ct).ConfigureAwait(false), await ReadTrackAsync(statPath, ct).ConfigureAwait(false));
            return;
        }
        var limits = await ReadTrackAsync(limitPath, ct).ConfigureAwait(false);
        if (quota.Count > -1) limits.Count = quota.Count;
        if (quota.Bytes > -1) limits.Bytes = quota.Bytes;
        if (quota.CountHardLimit > -1) limits.CountHardLimit = quota.CountHardLimit;
        if (quota.ByteHardLimit > -1) limits.ByteHardLimit = quota.ByteHardLimit;
        WarnIfBelowUsage(limits, await ReadTrackAsync(statPath, ct).ConfigureAwait(false));
        await Client.SetDataAsync(limitPath, limits.ToBytes(), -1, ct).ConfigureAwait(false);
    }

    private async Task CreateIfMissingAsync(string path, CancellationToken ct)
    {
        if (await Client.ExistsAsync(path, ct).ConfigureAwait(false) is not null) return;
        try { await Client.CreateAsync(path, (byte[]?)null, ct: ct).ConfigureAwait(false); }
        catch (NodeExistsException) { }
    }

    private async Task<StatsTrack> ReadTrackAsync(string path, CancellationToken ct) =>
        StatsTrack.Parse((await Client.GetDataAsync(path, ct).ConfigureAwait(false)).Data);

    private void WarnIfBelowUsage(StatsTrack limits, StatsTrack usage)
    {
        if ((limits.Count > -1 && limits.Count < usage.Count) || (limits.CountHardLimit > -1 && limits.CountHardLimit < usage.Count))
            WriteLine("[Warning]: the count quota you create is less than the existing count:" + usage.Count.ToString(CultureInfo.InvariantCulture));
        if ((limits.Bytes > -1 && limits.Bytes < usage.Bytes) || (limits.ByteHardLimit > -1 && limits.ByteHardLimit < usage.Bytes))
            WriteLine("[Warning]: the bytes quota you create is less than the existing bytes:" + usage.Bytes.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Quotas do not nest: refuse when a node below already has one.</summary>
    private async Task CheckNoChildQuotaAsync(string path, CancellationToken ct)
    {
        string own = QuotaPaths.QuotaPath(path);
        var stack = new Stack<string>();
        stack.Push(own);
        while (stack.TryPop(out var quotaPath))
        {
            IReadOnlyList<string> children;
            try { children = (await Client.GetChildrenAsync(quotaPath, ct).ConfigureAwait(false)).Children; }
            catch (NoNodeException) { continue; }
            foreach (var child in children.Order(StringComparer.Ordinal))
            {
                if (quotaPath != own && child == QuotaPaths.LimitNode)
                    throw new ShellException($"{path} has a child {QuotaPaths.TrimQuotaPath(quotaPath)} which has a quota");
                stack.Push(quotaPath + "/" + child);
            }
        }
    }

    /// <summary>Quotas do not nest: refuse when a node above already has one.</summary>
    private async Task CheckNoParentQuotaAsync(string path, CancellationToken ct)
    {
        var parts = path.Split('/');
        string quotaPath = QuotaPaths.QuotaRoot;
        for (int i = 1; i < parts.Length - 1; i++)
        {
            quotaPath += "/" + parts[i];
            IReadOnlyList<string> children;
            try { children = (await Client.GetChildrenAsync(quotaPath, ct).ConfigureAwait(false)).Children; }
            catch (NoNodeException) { return; }
            if (children.Contains(QuotaPaths.LimitNode))
                throw new ShellException($"{path} has a parent {QuotaPaths.TrimQuotaPath(quotaPath)} which has a quota");
        }
    }

    private async Task<bool> ListQuotaAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, "", "");
        string path = PathArg(a, "listquota");
        WriteError("absolute path is " + QuotaPaths.LimitPath(path));
        try
        {
            WriteLine($"Output quota for {path} {await ReadTrackAsync(QuotaPaths.LimitPath(path), ct).ConfigureAwait(false)}");
            WriteLine($"Output stat for {path} {await ReadTrackAsync(QuotaPaths.StatPath(path), ct).ConfigureAwait(false)}");
            return true;
        }
        catch (NoNodeException)
        {
            WriteError($"quota for {path} does not exist.");
            return false;
        }
    }

    private async Task<bool> DelQuotaAsync(List<string> words, CancellationToken ct)
    {
        var a = ParsedArgs.Parse(words, QuotaOptions, "");
        string path = PathArg(a, "delquota");
        string limitPath = QuotaPaths.LimitPath(path);
        if (await Client.ExistsAsync(limitPath, ct).ConfigureAwait(false) is null)
        {
            WriteLine("Quota does not exist for " + path);
            return true;
        }
        try
        {
            if (!QuotaOptions.Any(a.Has))
            {
                string quotaPath = QuotaPaths.QuotaPath(path);
                foreach (var child in (await Client.GetChildrenAsync(quotaPath, ct).ConfigureAwait(false)).Children)
                    await Client.DeleteAsync(quotaPath + "/" + child, -1, ct).ConfigureAwait(false);
                await TrimEmptyQuotaParentsAsync(quotaPath, ct).ConfigureAwait(false);
                return true;
            }
            var limits = await ReadTrackAsync(limitPath, ct).ConfigureAwait(false);
            if (a.Has('n')) limits.Count = -1;
            if (a.Has('b')) limits.Bytes = -1;
            if (a.Has('N')) limits.CountHardLimit = -1;
            if (a.Has('B')) limits.ByteHardLimit = -1;
            await Client.SetDataAsync(limitPath, limits.ToBytes(), -1, ct).ConfigureAwait(false);
            return true;
        }
        catch (NoNodeException)
        {
            WriteError($"quota for {path} does not exist.");
            return false;
        }
    }

    /// <summary>Deletes the now empty /zookeeper/quota/... nodes from the bottom up (zkCli's trimProcQuotas).</summary>
    private async Task TrimEmptyQuotaParentsAsync(string quotaPath, CancellationToken ct)
    {
        while (quotaPath != QuotaPaths.QuotaRoot && quotaPath.StartsWith(QuotaPaths.QuotaRoot + "/", StringComparison.Ordinal))
        {
            if ((await Client.GetChildrenAsync(quotaPath, ct).ConfigureAwait(false)).Children.Count > 0) return;
            await Client.DeleteAsync(quotaPath, -1, ct).ConfigureAwait(false);
            quotaPath = quotaPath[..quotaPath.LastIndexOf('/')];
        }
    }
}
