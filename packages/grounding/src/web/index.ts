export {
  CHROMIUM_CANDIDATES,
  type ChromiumLaunchOptions,
  connectChromium,
  launchChromium,
  OFFLINE_CHROMIUM_FLAGS,
  resolveChromiumPath,
} from './launch';
export {
  type ConnectWebEnvironmentOptions,
  connectWebEnvironment,
  createWebActionRegistry,
  createWebEnvironment,
  fillText,
  type LaunchWebEnvironmentOptions,
  launchWebEnvironment,
  selectOption,
  WEB_ACTIONS,
  WEB_SUPPORTED_ACTIONS,
  WebEnvironment,
  type WebEnvironmentOptions,
  type WebObserveOptions,
} from './web-environment';
