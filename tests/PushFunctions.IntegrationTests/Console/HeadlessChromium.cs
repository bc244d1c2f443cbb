using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace PushFunctions.IntegrationTests.Console;

/// <summary>
/// The Debian chromium and chromium-driver packages (scripts/test.sh installs them), headless with a fresh profile,
/// driven over WebDriver. Nothing is downloaded: the browser and the driver are named, not looked up.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string BrowserVariable = "PUSHFUNCTIONS_CHROMIUM";
    public const string DriverVariable = "PUSHFUNCTIONS_CHROMEDRIVER";
    public const string ArtifactsVariable = "PUSHFUNCTIONS_TEST_ARTIFACTS";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _profile = Directory.CreateTempSubdirectory("pushfunctions-chromium-");

    public HeadlessChromium()
    {
        var browser = Locate(BrowserVariable, "/usr/bin/chromium");
        var driver = Locate(DriverVariable, "/usr/bin/chromedriver");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1200,1100", "--user-data-dir=" + _profile.FullName);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        Driver.Manage().Timeouts().PageLoad = Deadline;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Waits (generously: the machine is shared) until <paramref name="condition"/> holds; the last answer explains a timeout.</summary>
    public static void WaitUntil(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException) when (DateTime.UtcNow < deadline)
            {
                // The page is between two states (an element replaced while read): ask again.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not within {Deadline.TotalSeconds} s: {describe()}");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Saves a screenshot of the page under the test artifacts directory and returns its path.</summary>
    public string SaveScreenshot(string name)
    {
        var directory = Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } configured
            ? Path.Combine(configured, "console")
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "console");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The browser may still be letting go of its profile; the temporary directory is the system's to clean.
        }
    }

    private static string Locate(string variable, string fallback)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured ? configured : fallback;
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run the tests with scripts/test.sh, which installs chromium and chromium-driver, or set {variable}.");
    }
}
