// Placeholder: the runtime issue turns this into the boot report (the main job).
Console.WriteLine("GfpAnalyzers boot report: not implemented yet.");
return 0;
