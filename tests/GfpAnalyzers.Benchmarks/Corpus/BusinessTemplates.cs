namespace GfpAnalyzers.Benchmarks.Corpus;

/// <summary>
/// Ordinary business code that never touches the runtime model: records, LINQ, parsing, text building, streams and
/// readers (disposed properly, plus a few that CA2000 reports, as real code bases have).
/// </summary>
internal static class BusinessTemplates
{
    private static readonly Func<int, Random, string>[] Methods =
    [
        Summarize, ParseLine, Report, WriteToStream, FirstLine, Validate, LoadAsync, Classify, Merge,
    ];

    public static string File(int index, int budget, Random random)
    {
        var writer = new FileWriter(budget);
        writer.Add($$"""
            using System.Globalization;
            using System.Text;

            namespace Generated.Shop{{index:D4}};

            /// <summary>Generated business code (benchmark corpus).</summary>
            public sealed record Order{{index}}(int Id, string Customer, decimal Amount, DateTime Placed, string Status);

            public sealed class OrderService{{index}}
            {
                private readonly Dictionary<int, Order{{index}}> _orders = new();
                private readonly List<string> _audit = new();

                public int Count => _orders.Count;

                public void Add(Order{{index}} order)
                {
                    _orders[order.Id] = order;
                    _audit.Add($"added {order.Id}");
                }

            """);
        for (var method = 0; !writer.Full; method++)
        {
            writer.Add(Methods[random.Next(Methods.Length)](method, random).Replace("Order#", $"Order{index}", StringComparison.Ordinal));
        }

        writer.Add("}");
        return writer.ToString();
    }

    private static string Summarize(int i, Random r) => $$"""
            public IReadOnlyList<(string Customer, decimal Total)> Summarize{{i}}(DateTime since)
            {
                return _orders.Values
                    .Where(o => o.Placed >= since && o.Amount > {{r.Next(0, 100)}}m)
                    .GroupBy(o => o.Customer, StringComparer.OrdinalIgnoreCase)
                    .Select(g => (g.Key, g.Sum(o => o.Amount)))
                    .OrderByDescending(t => t.Item2)
                    .ThenBy(t => t.Key, StringComparer.Ordinal)
                    .Take({{r.Next(5, 50)}})
                    .ToList();
            }

        """;

    private static string ParseLine(int i, Random r) => $$"""
            public Order#? Parse{{i}}(string line)
            {
                var parts = line.Split('{{(r.Next(2) == 0 ? ";" : ",")}}');
                if (parts.Length < 5 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    _audit.Add($"bad line {line.Length}");
                    return null;
                }

                if (!decimal.TryParse(parts[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
                {
                    return null;
                }

                var placed = DateTime.TryParse(parts[3], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                    ? when
                    : DateTime.UnixEpoch.AddDays({{r.Next(1, 9000)}});
                return new Order#(id, parts[1].Trim(), amount, placed, parts[4]);
            }

        """;

    private static string Report(int i, Random r) => $$"""
            public string Report{{i}}(string title)
            {
                var text = new StringBuilder();
                text.AppendLine(title.ToUpperInvariant());
                foreach (var order in _orders.Values.OrderBy(o => o.Id))
                {
                    if (order.Amount < {{r.Next(1, 20)}}m)
                    {
                        continue;
                    }

                    text.Append(CultureInfo.InvariantCulture, $"{order.Id,6} {order.Customer,-20} {order.Amount,10:F2}");
                    text.AppendLine(order.Status == "open" ? " *" : string.Empty);
                }

                return text.ToString();
            }

        """;

    private static string WriteToStream(int i, Random r) => $$"""
            public byte[] Export{{i}}()
            {
                using var stream = new MemoryStream();
                using (var writer = new StreamWriter(stream, Encoding.UTF8, {{r.Next(1, 16) * 256}}, leaveOpen: true))
                {
                    foreach (var order in _orders.Values)
                    {
                        writer.WriteLine(string.Join(';', order.Id, order.Customer, order.Amount.ToString(CultureInfo.InvariantCulture)));
                    }
                }

                return stream.ToArray();
            }

        """;

    // One in four leaks its reader, as real code bases do: CA2000 has something to report.
    private static string FirstLine(int i, Random r) => r.Next(4) == 0
        ? $$"""
            public string? FirstLine{{i}}(string path)
            {
                var reader = new StreamReader(File.OpenRead(path));
                var line = reader.ReadLine();
                return line?.Length > {{r.Next(1, 80)}} ? line[..{{r.Next(1, 80)}}] : line;
            }

        """
        : $$"""
            public string? FirstLine{{i}}(string path)
            {
                using var reader = new StreamReader(File.OpenRead(path));
                var line = reader.ReadLine();
                return line?.Length > {{r.Next(1, 80)}} ? line[..{{r.Next(1, 80)}}] : line;
            }

        """;

    private static string Validate(int i, Random r) => $$"""
            public void Validate{{i}}(Order# order)
            {
                ArgumentNullException.ThrowIfNull(order);
                if (order.Amount <= 0)
                {
                    throw new ArgumentException($"Order {order.Id} has no amount.", nameof(order));
                }

                if (string.IsNullOrWhiteSpace(order.Customer))
                {
                    throw new ArgumentException($"Order {order.Id} has no customer.", nameof(order));
                }

                if (order.Placed > DateTime.UtcNow.AddDays({{r.Next(1, 30)}}))
                {
                    _audit.Add($"order {order.Id} is in the future");
                }
            }

        """;

    private static string LoadAsync(int i, Random r) => $$"""
            public async Task<int> Load{{i}}Async(Stream source, CancellationToken cancellationToken)
            {
                using var reader = new StreamReader(source, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, {{r.Next(1, 16) * 1024}}, leaveOpen: true);
                var loaded = 0;
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (Parse(line) is { } order)
                    {
                        Add(order);
                        loaded++;
                    }
                }

                return loaded;
            }

            private Order#? Parse(string line) => line.Length == 0 ? null : new Order#(line.Length, line, 1m, DateTime.UnixEpoch, "open");

        """.Replace("Parse(", $"ParseFor{i}(", StringComparison.Ordinal);

    private static string Classify(int i, Random r) => $$"""
            public string Classify{{i}}(Order# order) => order switch
            {
                { Amount: > {{r.Next(500, 5000)}}m } => "large",
                { Status: "cancelled" } => "void",
                { Placed.Year: < {{r.Next(2000, 2020)}} } => "old",
                _ => "normal",
            };

        """;

    private static string Merge(int i, Random r) => $$"""
            public int Merge{{i}}(IEnumerable<Order#> incoming)
            {
                var merged = 0;
                foreach (var order in incoming)
                {
                    if (_orders.TryGetValue(order.Id, out var existing) && existing.Amount >= order.Amount)
                    {
                        continue;
                    }

                    _orders[order.Id] = order with { Status = "merged{{r.Next(0, 9)}}" };
                    merged++;
                }

                _audit.Add($"merged {merged}");
                return merged;
            }

        """;
}
