using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using GfpAnalyzers.Runtime;
using GfpAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GfpAnalyzers.Tests.Meta;

/// <summary>
/// Code written in the kernel's own style uses the flags bare (<c>AllocPage(Kernel)</c>) under
/// <c>using static GfpAnalyzers.Runtime.Gfp</c>. It must compile next to <c>using GfpAnalyzers.Runtime;</c> (and every
/// other namespace the runtime has) and a default project's implicit usings: no public runtime type may share a name
/// with a <see cref="Gfp"/> member (a boot class named <c>Kernel</c> once made <c>Kernel</c> ambiguous) or with a type
/// those usings import (System.Threading's <c>SpinLock</c>, <c>Mutex</c>, <c>Semaphore</c>, <c>Lock</c>). The runtime's
/// types are found by reflection, so types added later are covered without editing this test.
/// </summary>
public class UsingStaticGfpCompileTests
{
    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> imports in a Microsoft.NET.Sdk project.</summary>
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Type[] PublicRuntimeTypes = typeof(Gfp).Assembly.GetExportedTypes()
        .Where(type => !type.IsNested)
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void No_public_runtime_type_is_named_like_a_Gfp_member()
    {
        var members = Enum.GetNames<Gfp>().ToHashSet(StringComparer.Ordinal);
        var clashes = PublicRuntimeTypes.Select(SimpleName).Where(members.Contains).ToArray();
        Assert.True(clashes.Length == 0, "Public runtime types named like Gfp members (ambiguous under using static): " + string.Join(", ", clashes));
    }

    [Fact]
    public async Task Every_Gfp_member_and_every_public_runtime_type_compiles_bare_under_using_static_and_the_default_usings()
    {
        var errors = await CompileErrorsAsync(KernelStyleSource());
        Assert.True(errors.Length == 0, "Kernel-style code does not compile:\n" + string.Join("\n", errors));
    }

    [Fact]
    public async Task The_check_catches_a_runtime_type_named_like_a_flag_or_like_a_System_Threading_type()
    {
        // What the boot class used to be: without this, a test that compiles nothing would pass too.
        var errors = await CompileErrorsAsync(KernelStyleSource(), "namespace GfpAnalyzers.Runtime { public sealed class Kernel { } }");
        Assert.Contains(errors, error => error.Contains("error CS0229", StringComparison.Ordinal)); // Ambiguity between 'Kernel' and 'Kernel'
        var withSpinLock = await CompileErrorsAsync(KernelStyleSource() + "static class UsesIt { static System.Type T() => typeof(SpinLock); }",
            "namespace GfpAnalyzers.Runtime { public sealed class SpinLock { } }");
        Assert.Contains(withSpinLock, error => error.Contains("error CS0104", StringComparison.Ordinal)); // 'SpinLock' is ambiguous
    }

    /// <summary>Every Gfp member used bare, every public runtime type named by its simple name, all namespaces imported.</summary>
    private static string KernelStyleSource()
    {
        var source = new StringBuilder();
        foreach (var ns in PublicRuntimeTypes.Select(type => type.Namespace!).Distinct().Order(StringComparer.Ordinal))
        {
            source.Append("using ").Append(ns).AppendLine(";");
        }

        source.AppendLine("using static GfpAnalyzers.Runtime.Gfp;");
        source.AppendLine("static class KernelStyle");
        source.AppendLine("{");
        source.AppendLine("    static Page? Alloc(PageAllocator allocator) => allocator.AllocPage(Kernel | Zero);");
        source.AppendLine("    static void Flags()");
        source.AppendLine("    {");
        foreach (var (name, index) in Enum.GetNames<Gfp>().Select((name, index) => (name, index)))
        {
            source.Append("        Gfp flag").Append(index).Append(" = ").Append(name).AppendLine(";");
        }

        source.AppendLine("    }");
        source.AppendLine("    static void Types()");
        source.AppendLine("    {");
        foreach (var type in PublicRuntimeTypes)
        {
            var arity = type.IsGenericTypeDefinition ? "<" + new string(',', type.GetGenericArguments().Length - 1) + ">" : "";
            source.Append("        _ = typeof(").Append(SimpleName(type)).Append(arity).AppendLine(");");
        }

        source.AppendLine("    }");
        source.AppendLine("}");
        return source.ToString();
    }

    private static async Task<string[]> CompileErrorsAsync(params string[] sources)
    {
        var framework = await TestEnvironment.Net10.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var globalUsings = string.Concat(ImplicitUsings.Select(ns => $"global using global::{ns};\n"));
        var trees = sources.Prepend(globalUsings).Select((text, i) => CSharpSyntaxTree.ParseText(text, parse, path: $"File{i}.cs"));
        var compilation = CSharpCompilation.Create(
            "KernelStyle",
            trees,
            framework.Add(TestEnvironment.RuntimeReference),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty
                    .Add("CS0168", ReportDiagnostic.Suppress).Add("CS0219", ReportDiagnostic.Suppress).Add("CS8019", ReportDiagnostic.Suppress)));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToArray();
    }

    private static string SimpleName(Type type) => type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] : type.Name;
}
