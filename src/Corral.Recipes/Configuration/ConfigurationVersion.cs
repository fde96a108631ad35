using System.Collections.Immutable;

namespace Corral.Recipes.Configuration;

/// <summary>
/// One complete published configuration: its key/value entries and its generation (the zxid that
/// created its ready node; strictly larger for every later publication).
/// </summary>
public sealed record ConfigurationVersion(long Generation, ImmutableSortedDictionary<string, string> Values);
