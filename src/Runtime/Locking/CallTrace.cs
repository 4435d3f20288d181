using System.Diagnostics;

namespace GfpAnalyzers.Runtime;

/// <summary>
/// The "Call Trace:" of a report, cut to what the model can say usefully: the first frame outside the runtime, i.e. the
/// user code that called the primitive, with its file and line when the caller's symbols are available.
/// Reports whose site is not an argument (lock misuse, synchronize_rcu) end with it, so a report can be traced to a line.
/// </summary>
internal static class CallTrace
{
    private static readonly System.Reflection.Assembly s_runtime = typeof(CallTrace).Assembly;

    /// <summary>"\nCall Trace:\n &lt;Type.Method&gt; at &lt;file:line&gt;", or "" when no frame is outside the runtime.</summary>
    public static string OfCaller()
    {
        foreach (var frame in new StackTrace(1, fNeedFileInfo: true).GetFrames())
        {
            var method = frame.GetMethod();
            var type = method?.DeclaringType;
            if (method is null || type is null || type.Assembly == s_runtime)
            {
                continue;
            }

            var file = frame.GetFileName();
            var where = file is null ? "" : $" at {AllocTag.ShortenPath(file)}:{frame.GetFileLineNumber()}";
            return $"\nCall Trace:\n {type.FullName}.{method.Name}{where}";
        }

        return "";
    }
}
