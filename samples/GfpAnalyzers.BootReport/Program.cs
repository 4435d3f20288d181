using GfpAnalyzers.BootReport;
using GfpAnalyzers.Runtime;

// The main job: boot the model with each early-PFN tracker design and compare what happens.
ReportArguments arguments;
try
{
    arguments = ReportArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(ReportArguments.Usage);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(ReportArguments.HelpText);
    return 0;
}

var fixedArray = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.FixedArray), arguments.Top);
var poolList = BootSummary.Collect(arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList), arguments.Top);
ReportPrinter.Print(Console.Out, arguments, arguments.ToBootOptions(EarlyPfnTrackerDesign.PfnPoolList), fixedArray, poolList);
return 0;
